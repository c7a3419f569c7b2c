package discordtest

import (
	"fmt"
	"strconv"
	"sync"
	"time"
)

// discordEpoch is the first millisecond of 2015 in Unix milliseconds: Discord snowflakes count
// their timestamp from it.
const discordEpoch = 1420070400000

// snowflakeWorker is the internal worker id (5 bits) written into every id this package makes.
const snowflakeWorker = 1

// snowflakes hands out ids that are unique and increasing within the process, even when many are
// asked for in the same millisecond: the 12-bit increment rolls the clock forward when it fills.
var snowflakes struct {
	sync.Mutex
	lastMS int64 // milliseconds since discordEpoch of the last id
	seq    int64 // increment within lastMS
}

// NewSnowflake returns a fresh Discord snowflake: milliseconds since the Discord epoch
// (2015-01-01) in the top 42 bits, then a 5-bit worker id, a 5-bit process id and a 12-bit
// increment, written in decimal as Discord does.
func NewSnowflake() string {
	snowflakes.Lock()
	defer snowflakes.Unlock()
	ms := time.Now().UnixMilli() - discordEpoch
	if ms <= snowflakes.lastMS {
		ms = snowflakes.lastMS
		snowflakes.seq++
		if snowflakes.seq > 0xFFF {
			ms++
			snowflakes.seq = 0
		}
	} else {
		snowflakes.seq = 0
	}
	snowflakes.lastMS = ms
	id := ms<<22 | snowflakeWorker<<17 | snowflakes.seq
	return strconv.FormatInt(id, 10)
}

// SnowflakeTime returns the creation time encoded in a snowflake id.
func SnowflakeTime(id string) (time.Time, error) {
	n, err := strconv.ParseUint(id, 10, 64)
	if err != nil {
		return time.Time{}, fmt.Errorf("snowflake %q: %w", id, err)
	}
	return time.UnixMilli(int64(n>>22) + discordEpoch).UTC(), nil
}

// snowflakeBits returns the numeric value of a snowflake, or 0 if it is not one.
func snowflakeBits(id string) uint64 {
	n, _ := strconv.ParseUint(id, 10, 64)
	return n
}
