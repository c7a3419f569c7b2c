package knowledge

// Topic is the answer for an entry chosen by id (a /faq choice, a suggestion button), as if a
// question had matched it exactly. ok is false if no entry has that id.
func (ix *Index) Topic(id string) (a Answer, ok bool) {
	e := ix.base.Entry(id)
	if e == nil {
		return Answer{}, false
	}
	return Answer{
		Question:        e.Title,
		Outcome:         Answered,
		Entry:           e,
		Entries:         []*Entry{e},
		Confidence:      1,
		Safety:          e.Kind == KindSafety,
		SafetyNotice:    ix.base.Safety.Text,
		EmergencyNotice: ix.base.Emergency.Text,
		Disclaimer:      ix.base.Disclaimer,
	}, true
}
