package cards

import (
	"fmt"
	"slices"
	"strings"
)

// Filter selects part of a deck. Within a list the match is a union; the lists combine as an intersection.
type Filter struct {
	// Topics keeps cards that belong to any of these topics (primary or additional).
	Topics []string
	// ExcludeTopics drops cards that belong to any of these topics.
	ExcludeTopics []string
	// Tags keeps cards that carry any of these tags.
	Tags []string
}

// IsZero reports whether the filter keeps every card.
func (f Filter) IsZero() bool {
	return len(f.Topics) == 0 && len(f.ExcludeTopics) == 0 && len(f.Tags) == 0
}

// Check returns an error naming the first topic the config does not declare.
func (f Filter) Check(cfg *Config) error {
	for _, t := range append(slices.Clone(f.Topics), f.ExcludeTopics...) {
		if cfg.TopicIndex(t) < 0 {
			return fmt.Errorf("unknown topic '%s'%s", t, didYouMean(t, cfg.TopicIDs()))
		}
	}
	for _, t := range f.Tags {
		if why := CheckTag(t); why != "" && !strings.Contains(why, "reserved") {
			return fmt.Errorf("--tag %q cannot be a tag: %s", t, why)
		}
	}
	return nil
}

// Keep reports whether the filter selects c.
func (f Filter) Keep(c *Card) bool {
	if len(f.Topics) > 0 && !slices.ContainsFunc(f.Topics, c.HasTopic) {
		return false
	}
	if slices.ContainsFunc(f.ExcludeTopics, c.HasTopic) {
		return false
	}
	if len(f.Tags) > 0 && !slices.ContainsFunc(f.Tags, c.HasTag) {
		return false
	}
	return true
}

// Filter returns the cards f selects, in the same order and with the same identities.
func (d *Deck) Filter(f Filter) *Deck {
	out := &Deck{Config: d.Config}
	for _, c := range d.Cards {
		if f.Keep(c) {
			out.Cards = append(out.Cards, c)
		}
	}
	return out
}
