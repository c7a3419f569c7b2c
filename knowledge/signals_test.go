package knowledge

import (
	"math/bits"
	"strings"
	"testing"
)

// TestSignalsHearPlainWords checks the shipped risk, emergency and off-topic words on messages
// as people write them.
func TestSignalsHearPlainWords(t *testing.T) {
	ix := testIndex(t)
	s := ix.signals
	for _, c := range []struct {
		q                 string
		safety, emergency bool
		offTopic          bool
	}{
		{"my chest feels crushed and my left arm is numb", true, true, false},
		{"pretty sure this is a stroke", false, true, false},
		{"my calf is hot and twice the size of the other one", false, true, false},
		{"my toes went purple and I can't feel them", true, true, false},
		{"28 weeks along, can I get a foot rub", true, false, false},
		{"I'm on warfarin", true, false, false},
		{"my blister burst", true, false, false},
		{"I broke my ankle in March", true, false, false},
		{"bun in the oven, is reflexology ok", true, false, false},
		{"long strokes which way, ankle to toes?", false, false, false},
		{"my feet are sore after running", false, false, false},
		{"how do I massage my shoulders", false, false, true},
		{"is there a spot on the foot for neck tension", false, false, false},
		{"what happens during a foot massage", false, false, false},
		// Scope words stay narrow: a story or a question of another kind is not off topic.
		{"I'm a registered nurse, how often should I rub my feet", false, false, false},
		{"choosing a foot roller, any advice?", false, false, false},
		{"should I tell my doctor before starting foot massage?", false, false, false},
		{"could it be harmful to rub my feet daily", false, false, false},
		{"what does a typical reflexology session involve", false, false, true},
		{"is thai massage good", false, false, true},
		// Something to do other than massage, in a question that names none, is not ours.
		{"when can i drive after bunion surgery on my right foot", true, false, true},
		{"rolled my ankle yesterday, should i be walking on it", true, false, true},
		{"can i go for a walk after a foot massage", false, false, false},
		{"my feet are sore after running, what helps", false, false, false},
		{"is it safe to do while pregnant if i still run", true, false, false},
		{"are shiatsu foot massagers any good", false, false, false},
		{"why am I sore after a massage", false, false, true},
		{"how much does foot massage reduce anxiety?", false, false, false},
		{"how much is too much foot massage", false, false, false},
		{"how much does a reflexology session cost", false, false, true},
		{"how much do reflexologists earn per year", false, false, true},
		{"why does a foot rub make pain feel less bad", false, false, false},
		{"how often should I get a massage therapy session", false, false, true},
		{"can I get a massage if I am pregnant", true, false, true},
		{"can I get a foot massage if I am pregnant", true, false, false},
		{"what is neuropathy?", true, false, true},
		{"what is reflexology?", false, false, false},
		{"what are the benefits of foot massage", false, false, false},
		{"what is the solar plexus", false, false, false},
		{"why does your heel hurt when you take your first steps", false, false, true},
		{"do foot detoxes actually work", false, false, true},
		{"what is a reflexology treatment like", false, false, true},
		// Emergency words tolerate a typo, so a trigger must not be one letter from an everyday
		// word it is paired with: "spitting + blood" would hear "sitting ... blood flow".
		{"desk job, sitting all day, does massaging help blood flow", false, false, false},
		{"how much clothing do I take off for a foot massage", false, false, true},
		{"i nearly fainted when i saw the price of that foot roller", false, false, true},
		{"the exam results gave me a heart attack lol, how often should i rub my feet", false, false, false},
		{"breathless with laughter because my soles are ticklish", false, false, true},
		// A possessive is the word it is of.
		{"can i massage my newborn's feet", false, false, true},
		{"my husband's on warfarin, is a foot rub ok", true, false, false},
		{"she's expecting, can I rub her feet", true, false, false},
		// Risks and emergencies in Spanish get their notice, though the answers are English.
		{"estoy embarazada de 5 meses, ¿puedo recibir reflexología?", true, false, false},
		{"tengo dolor de pecho y no puedo respirar", false, true, false},
		{"j'ai mal à la poitrine et je n'arrive pas à respirer", false, true, false},
		{"mein vater hat brustschmerzen und keine luft", false, true, false},
		{"mi nonna è svenuta", false, true, false},
		{"je suis enceinte, est-ce que je peux faire de la réflexologie", true, false, false},
		{"ich bin schwanger, ist fussmassage ok", true, false, false},
		// "not" phrases take their words out, and only those: the rest of the question counts.
		{"feeling blue all week, will a foot rub lift my mood", false, false, false},
		{"feeling blue all week and now my toes went blue", false, true, false},
		{"I'm expecting a package with a foot roller", false, false, false},
		{"I'm expecting a package and I'm expecting twins, is reflexology ok", true, false, false},
		{"could a massager move a clot and cause a stroke", true, false, false},
		{"dad had a heart attack last year, is reflexology ok for him", true, false, false},
		{"i had a stroke two years ago, can i have a foot massage", true, false, false},
		{"my baby is due in May, can I have a foot massage", true, false, false},
		{"my dogs are barking after my shift, how long should I rub my feet", false, false, false},
		// Asides: a sign in a pet, a story or a game, or one that passed, is not one now; a
		// lasting risk stays, and an aside says nothing across "and".
		{"my dog has diabetes, how often should I rub my own feet", false, false, false},
		{"writing a novel where the hero gets a blood clot, does foot massage help sleep", false, false, false},
		{"watched a movie where a guy has a stroke during a foot massage, can that happen", false, false, false},
		{"broke my toe back in 2012, healed ages ago, can I use a roller", false, false, false},
		{"had a clot years ago, is a foot rub ok", true, false, false},
		{"apixaban for the last year, does a regular foot massage bring my bp down", true, false, false},
		{"offered CBT for insomnia through my surgery, would a foot rub help me sleep", false, false, false},
		{"my laptop has a virus and my foot is infected", true, false, false},
		// Near an emergency only a story told as one is an aside; a pet near a risk only when it
		// has the risk.
		{"my chest hurts so bad, like in that movie", false, true, false},
		{"my dog knocked me over my chest is crushing", false, true, true}, // the emergency comes first
		{"my dog bit my foot the wound is infected", true, false, false},
		// Emergency words in an ordinary sense stay ordinary.
		{"sore throat and a fever, can i still get a foot rub", false, false, false},
		{"leg day wrecked me, i cant stand up lol", false, false, false},
		{"my heart is racing, so excited for the spa", false, false, false},
		{"fell asleep on my arm and it went floppy lol", false, false, false},
		{"my kid fell over at the park but hes fine, can i rub his feet", false, false, false},
		{"had surgery years ago and now I'm pregnant", true, false, false},
	} {
		w := wordsOf(c.q)
		if got := s.safety(w); got != c.safety {
			t.Errorf("%q: safety %v, want %v", c.q, got, c.safety)
		}
		if got := s.emergency(w); got != c.emergency {
			t.Errorf("%q: emergency %v, want %v", c.q, got, c.emergency)
		}
		if got := s.offTopic(w) != ""; got != c.offTopic {
			t.Errorf("%q: off topic %q, want %v", c.q, s.offTopic(w), c.offTopic)
		}
	}
}

// TestEmergenciesInManyWords checks that the call for help hears each class of emergency the way
// people describe it: chest, breathing, stroke, collapse, a swollen leg, a cold or blue foot, an
// allergic reaction, a spreading infection, and a plain call for an ambulance.
func TestEmergenciesInManyWords(t *testing.T) {
	s := testIndex(t).signals
	for _, q := range []string{
		"my chest is really tight and it's spreading to my jaw",
		"there's a heavy pressure on my chest",
		"it feels like someone is sitting on my chest",
		"i can't catch my breath after the massage",
		"she's gasping for air",
		"he's wheezing and can't breathe properly",
		"my husband's face looks droopy on one side",
		"his speech is slurred all of a sudden",
		"she can't lift her right arm",
		"my dad suddenly can't talk properly",
		"half my body feels numb",
		"mum is confused and can't find her words",
		"i suddenly can't see out of one eye",
		"worst headache of my life came on just now",
		"he fainted after the foot rub",
		"she passed out on the floor",
		"my grandma collapsed",
		"he's not responding to me",
		"my calf is red hot and swollen",
		"one leg is way bigger than the other suddenly",
		"my leg swelled up overnight and hurts to walk",
		"my foot went ice cold and white",
		"my toes are turning blue",
		"my foot is purple and i can't feel it",
		"i'm coughing up blood",
		"there's blood when i cough",
		"her lips are swelling up and she can't swallow",
		"my throat is closing up",
		"there's a red streak going up my leg and i have a fever",
		"my heart is racing and i feel like i'm going to pass out",
		"my chesst hurts realy bad and i cant brethe",
		"dad is acting drunk but he doesnt drink, words all mushy",
		"mom cant hold her coffee cup, hand keeps dropping it, and she sounds off",
		"her mouth is pulling to one side when she talks",
		"he says his arm feels like it's not his",
		"suddenly i can't feel my left leg and my face tingles",
		"the left side of grandpa's face isn't moving",
		"grandma keeps repeating herself and looks lost, started an hour ago",
		"my leg is purple and cold and the pulse in my foot is gone",
		"can't feel anything below my knee since this morning and it's pale",
		"brother is blue around the lips and wheezing",
		"my husband grabbed his chest and sat down sweating",
		"there's pressure in my chest like a tight band",
		"i keep throwing up and have the worst headache, light hurts my eyes",
		"she is not making sense and her eyes look weird",
		"he's unconscious",
		"she won't wake up properly, just groaning",
		"my dad is gasping and his lips are grey",
		"dolor en el pecho y el brazo izquierdo dormido",
		"mi mam\u00e1 no puede hablar bien y tiene la cara ca\u00edda",
		"i have a racing heart and i'm about to black out",
		"the massage lady says my calf is hot, red and hard, one leg only, should i worry",
		"i got stung and now my face is swelling and my throat feels funny",
		"after the new lotion i broke out in hives and can't swallow well",
		"my vision is blurry and half my face is numb",
		"my speech went weird for 5 min and then came back",
		"his face drooped for a few minutes then went back to normal, is that ok",
		"i feel like i'm dying, chest pain and sweating",
		"there is a weight on my chest and my arm is tingly",
		"my foot wound smells bad and theres a red line up my leg",
		"i have a fever and my foot is swollen and red and the red is spreading",
		"my partner collapsed after standing up and is breathing funny",
		"i passed out in the shower this morning",
		"my left arm and leg are weak and floppy",
		"tounge feels thick and breathing is hard",
		"i think im having an alergic reaction, lips swelling",
		"my calf hurts so bad and its swollen after my flight, now im out of breath",
		"she suddenly can't understand what i'm saying",
		"he's slurring and his smile is crooked",
		"my grandpa's face looks droopy on the left and he's talking funny",
		"dad's smile is uneven all of a sudden and he cant lift his right arm",
		"my wife suddenly cant get her words out, she keeps saying the wrong words",
		"her speech is all mumbled and she's dragging her leg",
		"my mum is slurring like she's drunk but she hasnt had anything",
		"one side of my body went numb out of nowhere",
		"i suddenly cant see out of my left eye",
		"worst headache of my life came on like a thunderclap",
		"my head is pounding like never before and i threw up",
		"i feel like an elephant is sitting on me and my jaw aches",
		"there's a squeezing in my chest that goes down my arm",
		"my heart is fluttering and i feel like im going to faint",
		"im sweating buckets and my chest feels tight",
		"grandma collapsed in the kitchen and wont wake up",
		"my husband just fell over and isnt moving",
		"he's breathing really weird and his lips look blue",
		"my kid cant catch his breath after the bee sting, his throat feels tight",
		"her tongue is swelling up after she used the new foot cream",
		"i can barely breathe and my chest is wheezy",
		"i'm gasping and can't finish a sentence",
		"my left calf is swollen and burning hot, the right one is fine",
		"my leg ballooned up overnight and it's red and sore to touch",
		"my calf is throbbing and twice as fat as the other after the long drive",
		"my foot turned ice cold and white and i cant feel it",
		"my toes are going dark blue and numb since this morning",
		"i coughed up some blood this morning and my chest hurts",
		"there is blood when i cough and i'm short of breath",
		"the cut on my foot has red lines going up my leg and i have a fever",
		"the sore on my foot is oozing and i'm shivering with a high temperature",
		"he's confused and doesn't know what year it is suddenly",
		"my mom is acting really strange, suddenly she can't find her words",
		"my dad's arm just went floppy and his face dropped",
		"she's having a seizure right now",
		"he passed out after the massage and is still out",
		"i feel faint and the room is going dark",
		"my chest is on fire and my left arm tingles",
		"my friend is unresponsive on the floor",
		"my heart is racing at 180 and i feel dizzy and sick",
		"face drooping arm weakness speech difficulty",
		"i think grandpa is having a heart attack",
		"i think my wife is having a stroke",
		"can't move my left side",
		"my vision went double and my face feels numb",
		"i keep falling to one side and cant stand up",
		"sudden crushing pain in my chest",
		"i cant stop coughing blood",
		"throat closing up after using tea tree oil on my feet",
		"her lips are swollen and she has hives all over after the foot lotion",
		"my leg is suddenly much bigger than the other one and it hurts to walk",
		"my foot went cold and pale and really hurts all of a sudden",
		"sharp pain in my chest when i breathe in",
		"i think i'm having a heart attack",
		"i think he's having a stroke",
		"my arm went numb and my chest hurts",
		"i feel faint and dizzy and my chest hurts",
		"call an ambulance",
		"my foot turned black",
		"i can barely breathe",
		"short of breath after a flight and my calf hurts",
		"crushing pain in my chest",
		"my chest is killing me and i'm sweating",
		"feels like my heart is being squeezed",
		"got a weird tight feeling in my chest and my arm feels funny",
		"i cant get my breath back",
		"she's breathing really weird and gasping",
		"his breathing is shallow and he looks pale",
		"he's gone all floppy on one side",
		"her face went funny on one side and she can't smile properly",
		"he's talking nonsense all of a sudden",
		"mum suddenly can't find her words and seems confused",
		"i've got the worst headache ever and my neck is stiff",
		"i just passed out for a second",
		"my nan collapsed in the kitchen",
		"she fainted after the massage and won't wake up properly",
		"my calf is swollen and hot to touch and it came on fast",
		"my leg is red swollen and throbbing since yesterday",
		"one of my legs is way fatter than the other and it hurts",
		"my toes are ice cold and have gone a weird grey colour",
		"my foot has gone numb and white and won't warm up",
		"coughed up some blood just now",
		"my throat feels like it's closing after that oil",
		"the cut on my foot has red lines spreading up my leg and i'm shivery",
		"i think i'm having angina",
		"pain in my left arm and jaw",
		"he's not breathing",
		"she has no pulse",
		"do i need to do cpr",
		"should i use her epipen",
		"her tongue is swollen",
		"his lips are grey",
		"he's bluish around the mouth",
		"call 000",
		"should i go to the er",
		"should i go to a&e",
		"i think he's unconscious",
		"she collapsed on the floor",
		"sudden severe headache and vomiting",
		"his face looks lopsided",
		"my vision went black",
		"my leg is cold and white and really painful",
		"a red hot swollen calf after surgery",
		"coughing and chest pain after a long flight",
		"my chest feels like it's on fire and my arm is tingling",
		"tight band around my chest",
		"he's clutching his chest",
		"pain radiating down my left arm",
		"my heart is pounding and i can't get a breath",
		"i'm breathing really fast and my lips are tingling",
		"she's turning blue",
		"he's struggling for air",
		"my mum's speech is garbled",
		"dad's face has gone all droopy",
		"her mouth is drooping on one side",
		"he suddenly can't move his left side",
		"my legs gave way and i can't stand",
		"i keep losing my balance and the room is spinning and my face is numb",
		"sudden double vision",
		"she's slurring her words",
		"he's not making any sense and his arm is weak",
		"mum went grey and clammy",
		"i think my heart stopped for a second and i nearly fainted",
		"blacked out for a few seconds",
		"he hit his head and is drowsy",
		"my calf is throbbing and hot",
		"my leg is hot to the touch and swollen",
		"my foot is freezing cold and i can't feel it",
		"my big toe has gone dark and cold",
		"there's a red line going up from my blister",
		"my foot is swollen, red and i have chills",
		"i'm spitting up blood",
		"my face is swelling and i'm itchy all over after the oil",
		"tongue swelling after the massage oil",
		"i've got hives and i'm wheezing",
		"he's having a fit",
		"she's shaking and won't respond",
		"sudden agonising pain in my leg and it's pale",
		"severe chest pain",
		"his left arm feels heavy and achy",
		"she suddenly doesn't recognise me",
		"got stung by a bee and now i'm dizzy",
		"my toes have gone white and waxy",
		"after the long flight my calf is killing me",
		"his lips are turning blue",
		"her leg has blown up like a balloon",
		"i just lost the sight in one eye",
		"the whole right side of me is numb",
		"he's wheezing and can't swallow",
		"the left side of my body went weak out of nowhere",
		"the baby isn't moving as much and I'm 34 weeks",
		"I'm 30 weeks pregnant and bleeding heavily",
		"mom fell down and isnt making sense",
		"she cant move her left arm or leg",
		"my wife keeps passing out",
		"my kid swallowed a battery",
		"took too many pills by accident",
		"grandad's smile only goes up on one side and he's slurring",
		"my aunt's arm won't work properly all of a sudden",
		"he's saying the wrong words for things, like calling the cup a shoe",
		"my brother keeps having seizures back to back",
		"my cousin mixed bleach and ammonia cleaning and now can't stop coughing",
		"after my c-section one leg is puffier than the other and warm",
		"my nosebleed hasnt stopped for over an hour",
		"my son bonked his head on the trampoline and now hes puking",
		"i can only say a few words before i need a breath",
		"dad went all floppy in his chair and wont answer",
		"my mum is type 1 and she's sweaty, shaky and acting drunk",
		"her throat is shrinking and she has hives",
		"my uncle is clutching his chest and sweating",
		"28 weeks and my waters broke",
		"my nephew is convulsing and his lips are going blue",
		"she had a seizure and now shes really out of it",
		"my toddler got into the bleach under the sink",
		"i think my mom overdosed on her sleeping pills",
		"the detector is beeping carbon monoxide and we all feel dizzy",
		"blood is pouring from my foot and wont stop",
		"my nose has been bleeding for 40 minutes and it wont stop",
		"im vomiting blood",
		"babys been really quiet today no kicks at all, 35 weeks",
		"my foot is ice cold and gone a weird blue grey colour",
		"one leg is way fatter than the other and it hurts to walk",
		"granny is suddenly talking gibberish and cant find her words",
		"my dad suddenly cant see out of one eye",
		"i cant stand up straight, the room is spinning and my face feels numb",
		"my husband is sweating buckets and has a crushing feeling in his chest",
		"my chest feels heavy and i cant catch my breath",
		"my arm went numb and my smile is crooked",
		"she isnt responding when i shake her",
		"my friend hit his head and is now throwing up and confused",
		"my leg is red hot and swollen after the flight and now im short of breath",
		"my brother is having a fit on the kitchen floor",
		"she started jerking on the floor and wont wake up",
		"my son drank some cleaning spray, what do i do",
		"he swallowed a tide pod",
		"my friend took a whole bottle of pills",
		"we have a gas leak and everyone has a headache",
		"the cut on my leg is spurting and wont stop bleeding",
		"i threw up blood this morning",
		"havent felt the baby move since yesterday, 36 weeks",
		"my dads foot has gone grey and cold",
		"his leg swelled up overnight, only one side",
		"grandad suddenly doesnt know where he is",
		"my wife is seeing double and cant keep her balance",
		"the baby is making a whistling sound breathing and his chest sucks in",
		"mi padre no respira",
		"mon père s'est évanoui",
		"minha mãe desmaiou",
		"my dog knocked me over, my chest is crushing and my arm is numb",
		"the vet called and then my husband collapsed on the floor",
		"was watching a documentary and suddenly my face went numb on one side",
		"my mum is fine usually but right now she cant breathe",
		"he's fine one minute then he collapsed and isnt breathing",
		"our cat is fine but my dad is having chest pain right now",
		// pairings that no single trigger lists: a body part and a sign from the word groups
		"my grandad's shin is puffed up and warm to the touch",
		"the back of her knee is swollen and throbbing since this morning",
		"his big toe has gone dusky and icy",
		"her heel went mottled all of a sudden",
		"her smile looks lopsided suddenly",
		"dad's words are coming out jumbled",
		"his left arm and leg went floppy",
		"lips puffing up and i feel woozy after the peanut sauce",
		"cut my heel on glass and the bleeding won't stop",
		"32 weeks pregnant and i fell down the stairs",
		"my friend is on chemo and running a temperature",
		"the cut on my sole is oozing and i have chills",
		"his ankle is facing the wrong way after the tackle",
		"my brother banged his head on the goalpost and has thrown up twice",
		"he's on the floor jerking and it's been five minutes",
		"grandpa is unresponsive in his chair",
		"she won't wake up, we're shaking her and yelling",
		"two days after my c-section and it hurts to breathe",
		"31 weeks pregnant, blurry vision and a headache that won't quit",
		"my baby is burning up and twitching all over",
		"uncle went rigid on the floor and it's still going",
		"she makes a squeaking sound every breath",
		"he choked on a sweet and can't cough",
		"fever and my ankle is puffy and red",
		"the bleeding is soaking through the tea towel",
		"dropped a glass, sliced my palm, still pouring",
		"my mum is vomiting blood",
		"hasnt been able to feel the baby since yesterday and she's 35 weeks pregnant, baby not moving",
		"my nephew has a fever and a rash that doesn't fade under a glass",
		"the baby is limp and won't feed",
		"spilled boiling water on my leg and the skin is peeling off",
		"he was out in the heat all day, now he's confused and stopped sweating",
		"type 1 diabetic friend is shaking and acting weird",
		"she took a whole bottle of sleeping pills and is drowsy",
		"his inhaler isn't helping and he can't talk",
		"her lips are going blue",
		"mein bein ist plötzlich eiskalt und blass",
		"eyes rolled up and jerking on the floor",
		"mijn vader heeft ineens pijn op de borst en zweet",
		"ma fille respire mal, ça siffle",
		"mein vater ist zuckerkrank, er zittert und ist verwirrt",
		"o meu filho bebeu lixívia",
		"my son swallowed a whole packet of his nan's pills",
		"fever and her skin has gone blotchy",
		"gave birth last week and now a high fever",
		"the toddler hasn't had a wet nappy all day and his eyes look sunken",
		"her hand went white and then blue and it's cold as ice",
		"ineens hangt haar gezicht aan één kant",
		"out of nowhere grandad keeps asking what year it is",
		"worst headache of my life came on out of nowhere",
		"my aunt is coughing up blood",
		"newborn has had dry nappies all day",
		"she took a whole week of her pills in one go",
		"she burnt her foot on the oven door and the skin is white and peeling",
		"i'm giving him first aid, he collapsed and isn't breathing",
		"my dad collapsed on the golf course and isn't breathing",
		"my toddler swallowed a button battery an hour ago",
		"my dad took about 20 paracetamol last night",
		"the guy at the next desk just dropped and i can't find a pulse",
		"diabetic nan is so drowsy i can barely rouse her",
	} {
		if !s.emergency(wordsOf(q)) {
			t.Errorf("%q: no call for help", q)
		}
	}
}

// TestRisksInManyWords checks that the safety notice hears each contraindication of the article
// the way people name it: clots and blood thinners by brand, diabetes and numb feet, broken skin
// and infections, surgery and fractures, brittle bones, and pregnancy in its many wordings.
func TestRisksInManyWords(t *testing.T) {
	s := testIndex(t).signals
	for _, q := range []string{
		"i had a dvt two years ago, is foot massage ok",
		"the baby is kicking a lot at night, is a foot rub ok at 30 weeks",
		"my foot is white and peeling between the toes, can i massage it",
		"i felt the baby move for the first time today! can i still get foot rubs at 20 weeks",
		"my foot got cut up on coral and it's all scabby",
		"my mum takes eliquis, can i rub her feet",
		"dad is on xarelto",
		"i'm on blood thinners for my heart",
		"she takes coumadin",
		"he injects heparin every day",
		"i take a baby aspirin daily for my heart",
		"my gran is on apixaban",
		"diabetic here, can i use a foot roller",
		"my husband is type 2",
		"he's type 1 diabetic",
		"my blood sugar is always high, is reflexology safe",
		"i can't feel my feet properly anymore",
		"my feet are numb most of the time",
		"pins and needles in my feet all day",
		"nerve damage in my feet from chemo",
		"i have a cut on my heel",
		"there's an open sore on my foot",
		"my heel skin is split and bleeding",
		"cracked heels that bleed, can i still massage",
		"i've got a weeping patch on my toe",
		"ulcer on the bottom of my foot",
		"my toe looks infected",
		"athletes foot between my toes",
		"fungal infection on my feet, is massage ok",
		"my foot is oozing pus",
		"cellulitis in my leg last week",
		"i had bunion surgery three weeks ago",
		"had my knee replaced last month",
		"i just got my cast off",
		"broke my toe last week",
		"fractured my foot in june",
		"stitches in my foot, can i rub around them",
		"my bones are brittle",
		"she has osteoporosis",
		"osteopenia, is deep pressure ok",
		"i'm pregnant, can i get reflexology",
		"we're expecting our first",
		"six months along and my ankles are huge",
		"in my third trimester",
		"my due date is next week, can reflexology start labour",
		"carrying twins, feet are swollen",
		"got a positive test yesterday, is reflexology ok",
		"trying for a baby, does reflexology help",
		"preggo and my feet ache",
		"my wife is with child, can i massage her feet",
		"varicose veins on my legs",
		"i have a blood clotting disorder",
		"i have sugar, can i get a foot rub",
		"my sugars are all over the place, is reflexology ok",
		"on insulin, foot massage ok?",
		"he takes metformin, can he use a foot spa roller",
		"my a1c is high, is massage safe",
		"prediabetic here, any foot massage tips",
		"i'm on plavix",
		"she takes clopidogrel",
		"lovenox injections after surgery",
		"pradaxa for my heart, can i have reflexology",
		"haemophilia, is foot massage ok",
		"i have a bleeding disorder",
		"got a gash on my foot",
		"scraped the top of my foot",
		"grazed my heel",
		"the skin on my heel is raw",
		"peeling skin between my toes",
		"popped a blister",
		"i had a toe amputated",
		"had an op on my foot last month",
		"post-op foot pain, massage ok?",
		"screws in my ankle from an old break",
		"knocked up and my feet ache",
		"baby on the way, is reflexology ok",
		"mum to be here, can i have a foot rub",
		"i'm an expectant mother",
		"my midwife said no reflexology, why",
		"gestational diabetes, foot massage ok?",
		"prenatal massage on the feet ok?",
		"fungus on my toenails",
		"tinea on my feet",
		"gangrene on his toe",
		"thin bones, is deep pressure ok",
		"i can't feel my toes",
		"my toes are numb all the time",
		"burning feet at night, can massage help",
		"my feet feel dead",
		"neuropathy from chemo",
		"peripheral neuropathy, foot rub ok?",
		"i'm having chemo, is reflexology ok",
		"lymphedema in my legs",
		"hx of dvt, foot rub ok?",
		"on thinners, is reflexology safe",
		"dm2 here, can i use a foot roller",
		"t2dm and my feet ache",
		"i have PAD in my legs",
		"peripheral vascular disease, is massage ok",
		"preg and my feet are swollen",
		"got my bfp last week, is reflexology safe",
		"i have eczema cracks on my feet",
		"psoriasis on my soles, can i massage",
		"i have a bed sore on my heel",
		"pressure sore on my heel",
		"torn tendon in my foot",
		"ruptured my achilles",
		"i'm on steroids long term, is deep pressure ok",
		"i had a stroke two years ago, can i have a foot massage",
		"heart failure, is foot massage ok",
		"i have a pacemaker, can i use an electric foot massager",
		"my legs have clots in them",
		"i have lupus, is reflexology ok",
		"kidney disease, can i have reflexology",
		"i'm 8 months pregnant",
		"expecting in april, can my husband rub my feet",
		"second trimester, is reflexology ok",
		"i just had a c-section",
		"newly postpartum, feet still swollen",
		"my feet are tingly all the time",
		"i lost sensation in my toes",
		"my feet feel numb and cold",
		"im pregnet can i get a foot rub",
		"preganant and my feet hurt",
		"my mom has diabetis",
		"diabeties type 2, foot massage ok?",
		"he had a thrombosys last year",
		"osteoperosis, can i use a roller",
		"i take warferin",
		"on eliquas for my heart",
		"blod clot in my leg last year",
		"im on bloodthinners",
		"nueropathy in my feet",
		"neuropothy from diabetes",
		"a blistter on my heel",
		"infektion in my toe",
		"fractered my foot last month",
		"had sergery on my ankle",
		"surgey on my foot 2 weeks ago",
		"my sister is preggo",
		"my daughter is expecting twins",
		"grandad is on blood thinners",
		"my husband has diabetic feet",
		"mum had her hip done last month",
		"dad's just had a knee op",
		"my wife is due next month",
		"my girlfriend is pregnant, can i massage her feet",
		// as people ask whether they may massage
		"i'm 7 months gone, can i have my feet rubbed",
		"we just found out we're having a baby, is reflexology ok",
		"she's in her last month, is foot massage safe",
		"my partner is with child, any points to avoid",
		"im on eliquis for my heart, can i use a foot roller",
		"dad takes coumadin, is a foot massage ok for him",
		"im on blood thinning meds, are foot rubs safe",
		"my sugar levels are all over the place and my feet tingle, can i massage them",
		"i'm type 1, can i use an electric foot massager",
		"my feet have no feeling from nerve damage, is massage ok",
		"there's a weeping cut on my heel, should i skip the massage",
		"i have a nasty blister on my toe, can i still do the routine",
		"my heels are so cracked they bleed, is rubbing them ok",
		"i have athletes foot between my toes, will massage spread it",
		"there's a fungal infection on my toenail, can i get reflexology",
		"my foot is infected and red around a splinter, can i rub it",
		"i had bunion surgery three weeks ago, can i massage my foot",
		"just got my cast off after breaking my ankle, is foot massage ok",
		"i have a hairline fracture in my foot, would massage help",
		"my doctor says i have brittle bones, is a firm foot massage ok",
		"i have osteoporosis, how hard should i press",
		"my varicose veins are really bad, can i massage my legs and feet",
		"i had a dvt last year, can i get a foot massage",
		"there was a clot in my calf a few months ago, is reflexology ok",
		"my mum has a diabetic ulcer on her foot, can i massage around it",
		"i've got an open sore on the ball of my foot, should i avoid massage",
		"had a knee replacement 2 weeks ago, can i get a foot rub",
		"my foot has stitches from a cut, can i massage it",
		"my ankles are swollen in pregnancy, can my husband rub them",
		"im trying to conceive, is reflexology safe",
		"i have a heart condition, is foot massage safe",
		"i have lymphedema in my legs, can i get a foot massage",
		"my feet are always numb and tingly, can i use a massager",
		"i have peripheral neuropathy, will a foot massage help",
		"the skin on my soles is peeling and raw, should i massage",
		"i have eczema on my feet and it's weeping, is massage ok",
		"i burned my foot on the stove, can i massage it",
		"my toe is broken i think, should i rub it",
		"my wife is due next week, can i rub her feet to start labour",
		"i'm expecting twins, are there any pressure points to avoid",
		"i'm on xarelto, is deep pressure bad",
		"i've got cellulitis in my leg, can i massage my feet",
		"i have a verruca, will a foot massage spread it",
		"i had foot surgery last month, when can i start massaging",
		"my grandma is 90 and her bones are fragile, can i rub her feet",
		"i have diabetes and my feet are always cold, would massage help circulation",
		"i'm on heparin injections, can i get a pedicure massage",
		"i have an ingrown toenail that's infected, can i massage my foot",
		"my feet burn at night from diabetes, will rubbing help",
		// in the languages a server's members may ask in
		"ich bin in der schwangerschaft, ist eine fußmassage ok",
		"estou com uma ferida no pé, posso massagear",
		"j'ai eu une thrombose l'an dernier, le massage est-il conseillé",
		"ik ben zwanger, mag ik voetreflexologie",
		"ho una frattura al piede, va bene il massaggio",
	} {
		if !s.safety(wordsOf(q)) {
			t.Errorf("%q: no safety notice", q)
		}
	}
}

// TestOrdinaryMessagesRaiseNoAlarm: risk and emergency words in another sense, in the past, in
// a pet or a story raise neither notice. (Left alone: a job that names a risk, as "I'm a
// diabetes nurse" does, still gets the notice.)
func TestOrdinaryMessagesRaiseNoAlarm(t *testing.T) {
	s := testIndex(t).signals
	for _, q := range []string{
		"my boss is a pain in the neck, anyway how long should i rub my feet",
		"the left side of the team is weak this season, anyway how often should i rub my feet",
		"my bike tyre has a puncture, where are the pressure points",
		"my right arm is so sore i cant move it lol, would a foot massage help recovery",
		"i swallowed my pride and asked my bf for a foot rub, how long should he do it",
		"my kid keeps passing out stickers to everyone, anyway whats the best oil",
		"fell asleep reading and the book isnt making sense anymore lol, how do i relax my feet",
		"heavy bleeding during my period, can foot massage help the cramps",
		"my son stopped kicking the ball and just sits there, anyway how often should i massage my feet",
		"my bf is talking nonsense about reflexology again, is it backed by science",
		"i take too many pills already, can foot massage replace some of them",
		"my legs have swollen up in the heat, does foot massage help",
		"my legs are very fat lol, does reflexology help weight loss",
		"me duele el brazo izquierdo de tanto escribir, anyway how long should a foot massage last",
		"my bf is gushing about the routine, how long should he do it",
		"i dont even know what day it is lol so tired, does foot massage help sleep",
		"my kid asks the same thing over and over, i need to destress, how often can i rub my feet",
		"i was whistling under my breath while rubbing my feet, how long should i go",
		"i cant keep my balance on one foot in yoga lol, does reflexology help focus",
		"i take a bunch of pills every morning for my thyroid, is foot massage ok",
		"i used a whole bottle of lotion on my feet lol, whats the best oil",
		"i scrub my feet with coffee grounds, then massage, how long should i rub",
		"my calf is throbbing after leg day, will a foot massage help",
		"i have a fever and chills from the flu, can a foot rub help me sleep",
		"my calf is seizing up from cramps, where do i press",
		"my mum will have a fit if i skip the routine, how often should i do it",
		"im shaking all over from the cold, does foot massage warm you up",
		"my jerk boss makes my neck stiff, does foot massage help stress",
		"my dog had a seizure yesterday, the vet is keeping him in. can a foot rub help me calm down",
		"watched a documentary on stroke survivors, whats the best pressure point for sleep",
		"our old cat collapsed last week but the vet says shes fine now, how long should a foot massage last",
		"the washing machine is having a seizure again lol, does foot massage help anxiety",
		"my feet are always ice cold, is a foot rub good for circulation",
		"passed out on the sofa after a foot rub, best nap ever. how often can i do it",
		"my mum fainted at work last month but shes fine, can she do reflexology",
		"my mom is a midwife and swears by foot rubs, do they help sleep",
		"this heat wave is killing me, is a cool foot massage a thing",
		"i'm dying to try the routine tonight",
		"my team got crushed in the finals, need a foot rub",
		"the plot of this show is so twisted, anyway whats the solar plexus point",
		"just finished a marathon, my legs are dead, how should i massage my feet",
		"i broke my phone screen, can you still tell me the pressure points",
		"my car broke down and i walked miles, feet are toast",
		"expecting my in-laws this weekend, need to destress, will a foot rub help",
		"my grandma had a hip replacement in 1999 and is totally fine, can she get a foot massage",
		"this song gives me chills, anyway best oil for a foot massage",
		"i'm a midwife, asking for myself: how long should a foot massage be",
		"my plant has a fungus, unrelated, how do i do the routine",
		"the blister pack of my vitamins is hard to open lol, does foot massage help sleep",
		"bleeding edge tech like foot massagers, are they worth it",
		"i got burned by a bad spa deal, how do i do it myself",
		"my brother is a heart surgeon and says foot rubs are nonsense, is there evidence",
		"my code has a memory leak and my brain is fried, will a foot rub help focus",
		"had my wisdom teeth out years ago, totally irrelevant, how often should i rub my feet",
		"the game had me on the edge of my seat, my heart was pounding, anyway what does reflexology do",
		"stroke of genius: foot massage before bed, does it help sleep",
		"my cough is gone now, can i do the routine",
		"i fainted from laughing at that meme, how long should i massage",
		"the stock market crashed and so did my mood, will a foot rub help",
		"my feet are numb from the cold after skiing but warming up fine now",
		"my toes are blue from the nail polish lol, how do i massage them",
		"i'm expecting a raise, celebrating with a foot massage, how long",
		"broke the world record for longest nap lol, does foot massage help sleep",
		"my laptop is overheating, anyway how do i use a foot roller",
		"it was a breathtaking view from the summit, my feet ache, help",
		"i cut my hair short, how often should i massage my feet",
		"i have a heart of gold and tired feet, what's the routine",
		"i'm on my feet all day as a nurse in the cardiac ward, how often should i massage them",
		"the drama in this group chat is giving me a headache, will a foot rub help",
		"my friend's dog had surgery, i'm stressed, will a foot rub calm me",
		"i love the movie where the hero has a heart attack, anyway how long should a foot rub be",
		"after leg day i could barely walk lol, is a foot massage good for recovery",
		"my feet feel like they're on fire after dancing all night",
		"i was pregnant with my son 20 years ago, does foot massage help my mood now",
		"that workout took my breath away, how often should i rub my feet",
		"this recipe calls for blood orange, unrelated, what are the benefits of foot massage",
		"i'm a tattoo artist and sit all day, do foot rollers help",
		"the scar from my c-section 15 years ago is long healed, can i do reflexology",
		"i'm allergic to cats, is a foot massage good for stress",
		"shes a paramedic and sees heart attacks all day, would a foot massage help her unwind",
		"my face is frozen from the cold wind lol, how long should i rub my feet",
		"his voice sounds drunk on the phone lol, he's tired, what oil should i use",
		"my arm and leg are sore after the gym, will a foot rub help",
		"the left arm and left leg of my action figure broke lol",
		"my heart hurts and my back aches after the breakup and moving boxes",
		"my tongue feels thick after the dentist numbing, can i still do the routine",
		"i can't understand what the article means by solar plexus",
		"the puppy keeps dropping the ball lol",
		"my face is numb from the dentist, my leg is fine, how long per foot",
		"talking with my sister went weird, anyway is reflexology real",
		"my cheek is sagging from age lol, does foot massage help skin",
		// idioms that hold a risk's word
		"work has me wound up, would a foot rub help",
		"our uni runs on trimesters, how often should I rub my feet",
		"the clotted cream at the spa cafe was great, how long should a foot rub last",
		"my phone screen is cracked, can you list the pressure points on the feet",
		"that show had me in stitches, anyway how often should I rub my feet",
		"tree surgeon here, on my feet all day, how often should I massage them",
		"spine tingling film tonight, any foot rub tips",
		"totally broke this month, how do I massage my own feet",
		"my foot roller arrived in blister packs",
		"my phone case is cracked, how long should a foot rub last",
		"my phone is bleeding battery, where are the pressure points",
		"fungus gnats in my plants again, anyway how often should i rub my feet",
		"broke my controller, need a foot rub to calm down",
		"my friend is pregnant with ideas for her startup, how do i massage my feet",
		// the word groups' words, harmless
		"the left side of the team is weak, anyway how often should i rub my feet",
		"my cheek is sagging from age lol, does foot massage help skin",
		"his voice sounds drunk on the phone lol, he's tired, what oil should i use",
		"my bf won't answer my texts about reflexology lol",
		"does a rub on the head make you sleepy",
		"after my flight i do breathing exercises but it's hard to relax, any foot rub tips",
		"i was whistling under my breath while rubbing my feet, how long should i go",
		"is it safe to use a heating pad every night",
		"does a foot rub get the blood pumping",
		"no chest pain, just sore feet, how long should i rub them",
		"i'm choking on the price of these massagers, are rollers worth it",
		"the cosplay had fake blood everywhere, anyway how often should i massage my feet",
		"we sat outside in the sun all day, any foot rub tips",
		"the kids pretended to faint in the playground, how long should i rub my feet",
		"my toddler screamed blue murder at bath time, which oil for a foot rub",
		"my hands are cold in the office, does foot massage help circulation",
		"breathless? nope. dizzy? nope. just tired feet, how often should i rub them",
		"my brother nearly passed out laughing, anyway how often should i rub my feet",
		"the kids were pretending to faint in the garden, what oil is best for a foot rub",
		"cpr refresher course at work today, my feet ache, how long should i rub them",
		"my hamster died last night, how often should i rub my feet",
		"where do i buy a button battery for my foot massager's remote",
		"snow day, my feet are freezing and i'm drowsy, foot massage before my nap?",
		"my mum takes 20 different pills a day, is a foot rub ok for her",
		"last march i fainted at a gig and i've been completely fine since, how often should i rub my feet",
	} {
		w := wordsOf(q)
		if s.safety(w) || s.emergency(w) {
			t.Errorf("%q: safety %v, emergency %v, want neither", q, s.safety(w), s.emergency(w))
		}
	}
}

// TestGroupWordsAloneCallNoHelp: a risk told with a word of an emergency's group gets the
// safety notice, not the call for help.
func TestGroupWordsAloneCallNoHelp(t *testing.T) {
	s := testIndex(t).signals
	for _, q := range []string{
		"i fell pregnant, 20 weeks now, how do i massage my sore feet",
		"my pregnant sister is due in the fall, can she have reflexology",
		"my 40 year old mum has an infected toe, is massage ok",
		"on chemo and my feet are sensitive to temperature, can i massage them",
		"numbness in my feet is getting worse over the years, can i massage them",
		"the blister on my toe is healing well, does foot massage help with the chills of winter",
		"i'm diabetic and a bit shaky after the gym, can i massage my feet",
	} {
		if w := wordsOf(q); s.emergency(w) || !s.safety(w) {
			t.Errorf("%q: emergency %v, safety %v; want the safety notice alone", q, s.emergency(w), s.safety(w))
		}
	}
}

// TestQuotesAreNotPartOfWords: an apostrophe inside a word belongs to it, one around a word is a
// quotation mark, which hid "heavy" in "his left arm is 'heavy and stupid'" from the triggers.
func TestQuotesAreNotPartOfWords(t *testing.T) {
	got := strings.Join(wordsOf("his left arm is 'heavy and stupid', he can't lift it ' ''"), " ")
	if want := "his left arm is heavy and stupid he can't lift it"; got != want {
		t.Errorf("wordsOf = %q, want %q", got, want)
	}
}

// TestFootCompoundsAreSplit: "Fußmassage" is the foot and the massage, two words the base
// knows; "Fußball" is football.
func TestFootCompoundsAreSplit(t *testing.T) {
	for q, want := range map[string]string{
		"Fußmassage am Abend":          "fuß massage am abend",
		"voetreflexologie, werkt het?": "voet reflexologie werkt het",
		"Fußball und Voetbal":          "fußball und voetbal",
		"fußpflege fuss":               "fuß pflege fuss",
	} {
		if got := strings.Join(wordsOf(q), " "); got != want {
			t.Errorf("wordsOf(%q) = %q, want %q", q, got, want)
		}
	}
}

// TestOneTypoChangesAtMostTwoLetters: the letter-set test that spares most edit distances must
// never turn away a word one typo from a trigger's.
func TestOneTypoChangesAtMostTwoLetters(t *testing.T) {
	for _, pair := range [][2]string{
		{"pregnant", "pregnent"}, {"pregnant", "pregant"}, {"pregnant", "pregnants"},
		{"pregnant", "pergnant"}, {"thrombosis", "thrombozis"}, {"swollen", "swolen"},
	} {
		if editDistance(pair[0], pair[1], 1) > 1 {
			t.Fatalf("%q and %q are more than one typo apart: not a case of this test", pair[0], pair[1])
		}
		if d := bits.OnesCount32(letterSet(pair[0]) ^ letterSet(pair[1])); d > 2 {
			t.Errorf("%q and %q: letter sets differ in %d letters, more than one typo can", pair[0], pair[1], d)
		}
	}
}

func TestOtherStopWordsKeepEnglishWords(t *testing.T) {
	for _, w := range []string{"qué", "des", "eine", "het", "della", "não"} {
		if !otherStopWords[w] {
			t.Errorf("%q is not among the other languages' stop words", w)
		}
	}
	for _, w := range []string{"die", "come", "son", "man", "a", "the"} {
		if otherStopWords[w] {
			t.Errorf("%q, an English word, is filler", w)
		}
	}
}

// TestARecoveryUndoesEvenALastingRisk: the past undoes a healed fracture but not a clot; a
// recovery said in so many words undoes both.
func TestARecoveryUndoesEvenALastingRisk(t *testing.T) {
	checkSignal(t, "safety", testIndex(t).signals.safety, map[string]bool{
		"i had a clot two years ago, how often can i rub my feet":                                    true,
		"i had a clot two years ago, fully treated and signed off, how often can i rub my feet":      false,
		"my uncle had a heart attack in 2016 and recovered really well, does reflexology help sleep": false,
		"broke my toe back in 2012, healed ages ago, how long should i massage":                      false,
		"fully recovered from the flu but now i'm on warfarin, can i get a foot rub":                 true,
		"not pregnant, not diabetic, no clots, just tired feet, how often should i rub them":         false,
		"i'm not diabetic but my feet have gone numb, can i rub them":                                true,
	})
}

// A trigger of several parts stands only on signs no aside puts away: a blue leg in a show and
// a foot of one's own make no blue foot.
func TestASignPutAwayCountsInNoTriggerOfSeveralParts(t *testing.T) {
	checkSignal(t, "emergency", testIndex(t).signals.emergency, map[string]bool{
		"the episode where the guy's leg turns blue gave me nightmares, can a foot massage help me sleep": false,
		"my leg turned blue an hour ago and i cant feel my foot":                                          true,
	})
}

func TestAQuestionInAnotherLanguageIsKnownAsSuch(t *testing.T) {
	for q, want := range map[string]bool{
		"¿qué es la reflexología?":                 true,
		"wie oft sollte man die Füße massieren":    true,
		"quelle huile pour masser les pieds":       true,
		"how often should i massage my feet":       false,
		"daily foot massage good idea y/n":         false, // "y" is Spanish and shorthand
		"my tio says reflexology is fake, is it?":  false,
		"come on, how long do i rub each foot for": false,
	} {
		if got := inOtherLanguage(wordsOf(q)); got != want {
			t.Errorf("inOtherLanguage(%q) = %v, want %v", q, got, want)
		}
	}
}

// TestActivitiesComeBeforeRisks: something to do other than massage, in a question that names
// no massage, is declined even when a risk and the feet are named (the topic comes before
// risks); other topics give way to the safety entry there.
func TestActivitiesComeBeforeRisks(t *testing.T) {
	ix := testIndex(t)
	for q, want := range map[string]bool{
		"when can i drive after bunion surgery on my right foot": true,
		"rolled my ankle yesterday, should i be walking on it":   true,
		"pregnant, can i get a foot massage at the nail salon":   false,
		"is it safe to do while pregnant if i still run":         false,
	} {
		if _, got := ix.signals.offTopicOf(wordsOf(q)); got != want {
			t.Errorf("%q: before risks %v, want %v", q, got, want)
		}
	}
	if a := answerOf(t, ix, "when can i drive after bunion surgery on my right foot"); a.Answered() || !a.Safety {
		t.Errorf("driving after foot surgery: %s by %s, safety %v; want declined with the safety notice", a.Outcome, a.Rule, a.Safety)
	}
	if a := answerOf(t, ix, "pregnant, can i get a foot massage at the nail salon"); !a.Answered() || a.Entry.Kind != KindSafety {
		t.Errorf("a foot massage at the nail salon while pregnant: %s %v by %s, want the safety entry", a.Outcome, a.Entry, a.Rule)
	}
}

func TestAsksIfItWorks(t *testing.T) {
	for _, tc := range []struct{ q, want string }{
		{"but does foot massage really work", "but does foot massage really proven"},
		{"do foot rubs actually work", "do foot rubs actually proven"},
		{"how does foot massage work", "how does foot massage work"}, // what happens, not whether
		{"what makes a foot massage actually work", "what makes a foot massage actually work"},
		{"does reflexology work for anxiety", "does reflexology work for anxiety"}, // anxiety's question
		{"my feet ache after work", "my feet ache after work"},                     // work as a job
	} {
		if got := strings.Join(asksIfItWorks(strings.Fields(tc.q)), " "); got != tc.want {
			t.Errorf("asksIfItWorks(%q) = %q, want %q", tc.q, got, tc.want)
		}
	}
}
