package builder

import (
	"time"

	"github.com/cardgen/cardgen/cards"
	"github.com/cardgen/cardgen/lock"
)

// lockHistory is the deck's history as its lock file records it.
type lockHistory struct{ l *lock.Lock }

// historyOf reads the lock of cfg for the loader's id checks; nil when there
// is no readable lock (the build reports a broken lock itself).
func historyOf(cfg *cards.Config) cards.History {
	l, err := lock.Load(cfg.LockPath())
	if err != nil || l == nil {
		return nil
	}
	return lockHistory{l}
}

func (h lockHistory) Published(id string) (topic, question string, ok bool) {
	c, ok := h.l.Cards[id]
	return c.Topic, c.Question, ok
}

func (h lockHistory) Retired(id string) (time.Time, string, bool) {
	r, ok := h.l.Retired[id]
	return time.Unix(r.Mod, 0), r.Question, ok
}
