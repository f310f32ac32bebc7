package sentiment

import (
	"math"
	"strings"
	"sync"

	"gears"
)

// Result is a message's sentiment.
type Result struct {
	Score float64         // in [-1, 1]
	Label gears.Sentiment // gears.Negative, gears.Neutral or gears.Positive
	Lang  string          // "en" or "es": the language used
}

// threshold is the score at or beyond which a message is positive (≥
// threshold) or negative (≤ -threshold); in between it is neutral. It is
// higher than VADER's 0.05 because one mild word ("ok", "late", "free")
// should not make an information request positive or negative; on the
// labelled sets 0.15 to 0.20 did best.
const threshold = 0.15

// Tuning constants, most from VADER (Hutto & Gilbert, 2014).
const (
	nScalar          = -0.74 // a negated valence is flipped and damped
	capsIncr         = 0.733 // an ALL-CAPS word among lower-case ones
	elongIncr        = 0.3   // a stretched word: "sooo", "malísimooo"
	lackVal          = -1.5  // a negated "lack" word: "no response", "sin luz"
	exclIncr         = 0.292 // per exclamation mark, up to 4
	questIncr        = 0.18  // per question mark beyond the first, up to 3
	politeInQuestion = 0.15  // "thanks" in a message with a question is courtesy, not praise
	posInQuestion    = 0.5   // "is it safe?" asks, it does not praise
	beforeContrast   = 0.5   // weight of words before "but"/"pero"
	afterContrast    = 1.5   // and after it
	alpha            = 15    // normalisation: x / sqrt(x² + alpha)
)

// decay is the weight of a booster 1, 2 or 3 words before the word it boosts.
var decay = [4]float64{0, 1, 0.95, 0.9}

var pool = sync.Pool{New: func() any { return &state{} }}

// Analyze scores text. lang is "en", "es", or "" (or anything else) to detect
// the language from the text; regional tags such as "es-MX" or "en_GB" map to
// their base language. Only the first 5,000 bytes are read. Any input is
// accepted, including invalid UTF-8.
func Analyze(text, lang string) Result {
	s := pool.Get().(*state)
	s.reset()
	lex := lexicons()
	s.tokenize(text, lex)
	l := langIndex(lang)
	if l < 0 {
		l = s.detect()
	}
	score := normalise(s.score(l))
	pool.Put(s)
	return Result{Score: score, Label: LabelOf(score), Lang: langCodes[l]}
}

// LabelOf maps a score to its label: gears.Positive at or above 0.15,
// gears.Negative at or below -0.15, gears.Neutral in between (and for NaN).
func LabelOf(score float64) gears.Sentiment {
	switch {
	case score >= threshold:
		return gears.Positive
	case score <= -threshold:
		return gears.Negative
	}
	return gears.Neutral
}

// langIndex maps a language tag to its index, or -1 to detect it.
func langIndex(tag string) int {
	base, _, _ := strings.Cut(tag, "-")
	base, _, _ = strings.Cut(base, "_")
	for i, code := range langCodes {
		if strings.EqualFold(base, code) {
			return i
		}
	}
	return -1
}

// detect picks the language with more stopwords in the text (Spanish
// punctuation and letters such as ¿ and ñ count half a Spanish stopword); on
// a tie, the one whose lexicon knows more of its words; on a tie again, English.
func (s *state) detect() int {
	var stop, hits [numLangs]int
	for i := range s.toks {
		t := &s.toks[i]
		if t.flags&tKnown == 0 || t.flags&tEmoji != 0 {
			continue
		}
		for l := range numLangs {
			li := &t.ent.l[l]
			if li.flags&fStop != 0 {
				stop[l]++
			}
			if li.val != 0 || li.flags&(fNeg|fLack|fPolite) != 0 || li.boost != 0 {
				hits[l]++
			}
		}
	}
	es, en := 2*stop[langES]+min(s.esHint, 2), 2*stop[langEN]
	switch {
	case es != en:
		if es > en {
			return langES
		}
		return langEN
	case hits[langES] > hits[langEN]:
		return langES
	}
	return langEN
}

var none langInfo // the meaning of an unknown or consumed token

// score sums the valences of the tokens in language lang, VADER style.
func (s *state) score(lang int) float64 {
	n := len(s.toks)
	eff := s.eff[:0]
	words, caps := 0, 0
	for i := range s.toks {
		t := &s.toks[i]
		li := &none
		if t.flags&tKnown != 0 {
			li = &t.ent.l[lang]
		}
		eff = append(eff, li)
		if t.flags&tWord != 0 {
			words++
			if t.flags&tCaps != 0 {
				caps++
			}
		}
	}
	s.eff = eff
	mixedCaps := caps > 0 && caps < words

	// Multi-word entries replace their words, longest first.
	phrases := lexicons().phrases[lang]
	for i := 0; i < n; i++ {
		if eff[i].flags&fPhrase == 0 {
			continue
		}
		m := 1 // words from i with no clause boundary between them
		for m < maxPhrase && i+m < n && s.toks[i+m].flags&tBreak == 0 {
			m++
		}
		for k := m; k >= 2; k-- {
			key := s.buf[s.toks[i].start:s.toks[i+k-1].end]
			if p := phrases[string(key)]; p != nil {
				// The phrase's meaning sits on its last word, so that
				// negators and boosters count their distance from it.
				for j := 0; j < k-1; j++ {
					eff[i+j] = &none
				}
				eff[i+k-1] = p
				i += k - 1
				break
			}
		}
	}

	contrast := -1
	for i, li := range eff {
		if li.flags&fContrast != 0 {
			contrast = i
			break
		}
	}

	var sum float64
	for i := 0; i < n; i++ {
		li := eff[i]
		lack := li.flags&fLack != 0
		v := float64(li.val)
		if v == 0 && !lack {
			continue
		}
		t := s.toks[i]
		if v != 0 {
			if mixedCaps && t.flags&tCaps != 0 {
				v += sign(v) * capsIncr
			}
			if t.flags&tElong != 0 {
				v += sign(v) * elongIncr
			}
		}
		// Look back for boosters and negators in the same clause: three
		// words, five for a lack word ("nadie me ha dado una respuesta").
		// Emoji are neither boosted nor negated.
		negated, boosted := false, false
		window := 3
		if lack {
			window = 5
		}
		if t.flags&tEmoji != 0 {
			window = 0
		}
		for d := 1; d <= window && i-d >= 0; d++ {
			if s.toks[i-d+1].flags&tBreak != 0 {
				break // another clause
			}
			p := eff[i-d]
			if p.flags&fContrast != 0 {
				break
			}
			if p.boost != 0 && v != 0 && d <= 3 {
				b := float64(p.boost) * decay[d]
				if mixedCaps && s.toks[i-d].flags&tCaps != 0 {
					b += sign(b) * capsIncr
				}
				v += sign(v) * b
				boosted = true
			}
			if p.flags&fNeg != 0 && (d <= 3 || lack) {
				if p.flags&fNever == 0 || !boosted {
					negated = true // but "never so happy" is emphasis
				}
			}
		}
		if negated {
			v *= nScalar
			if lack {
				v = min(v, lackVal)
			}
		}
		if v == 0 {
			continue
		}
		if li.flags&fPolite != 0 && s.quest > 0 {
			v *= politeInQuestion
		} else if v > 0 && t.flags&tQuest != 0 {
			v *= posInQuestion
		}
		if contrast >= 0 {
			if i < contrast {
				v *= beforeContrast
			} else if i > contrast {
				v *= afterContrast
			}
		}
		sum += v
	}

	if sum != 0 {
		emph := float64(min(s.excl, 4)) * exclIncr
		if s.quest > 1 {
			emph += float64(min(s.quest-1, 3)) * questIncr
		}
		sum += sign(sum) * emph
	}
	return sum
}

// normalise maps a sum of valences into [-1, 1].
func normalise(x float64) float64 {
	switch {
	case math.IsNaN(x):
		return 0
	case math.IsInf(x, 0):
		return sign(x)
	}
	y := x / math.Sqrt(x*x+alpha)
	return max(-1, min(1, y))
}

func sign(x float64) float64 {
	if x < 0 {
		return -1
	}
	return 1
}
