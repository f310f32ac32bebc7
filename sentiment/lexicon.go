package sentiment

import (
	"bufio"
	"embed"
	"fmt"
	"math"
	"strconv"
	"strings"
	"sync"
)

//go:embed lexicon/*.tsv
var lexiconFS embed.FS

// Languages, as indexes into entry.l.
const (
	langEN = iota
	langES
	numLangs
)

var langCodes = [numLangs]string{"en", "es"}

// Flags of a langInfo.
const (
	fHas      uint16 = 1 << iota // listed in the lexicon (valence may be 0)
	fGen                         // derived from a listed word (an inflection)
	fNeg                         // negator: flips the valence of the next few words
	fContrast                    // "but": the clause after it outweighs the one before
	fLack                        // a thing whose absence is bad: "no response", "sin luz"
	fPolite                      // politeness ("thanks", "please"): weak in questions
	fStop                        // stopword, for language detection
	fPhrase                      // first word of a multi-word entry
	fNever                       // "never": with a booster after it, emphasis ("never so happy")
)

// langInfo is what a word (or phrase) means in one language.
type langInfo struct {
	val   float32 // valence, -4..4
	boost float32 // intensifier (> 0) or dampener (< 0) of the next few words
	flags uint16
}

// entry is a token's meaning in every language: one map lookup per token
// serves language detection and scoring alike.
type entry struct {
	l [numLangs]langInfo
}

// lexicon is the whole model, built once at init and read-only after.
type lexicon struct {
	words   map[string]entry               // by value: one memory access per lookup
	build   map[string]*entry              // words while loading
	phrases [numLangs]map[string]*langInfo // "w1 w2 [w3 [w4]]", normalised
	laugh   entry                          // jaja, hahaha, jsjs...
	nt      entry                          // any English word ending in n't
	err     error                          // the first bad entry met while loading
}

const maxPhrase = 4 // words in the longest phrase

// lexicons is loaded on first use, not when the program starts (it takes
// about 10 ms, which every start of gears would otherwise pay).
var lexicons = sync.OnceValue(mustLoad)

func mustLoad() *lexicon {
	l, err := load()
	if err != nil {
		panic(fmt.Sprintf("sentiment: %v", err)) // the embedded files are part of the program
	}
	return l
}

// load reads the embedded lexicons, derives inflections and applies the rules.
func load() (*lexicon, error) {
	l := &lexicon{build: make(map[string]*entry, 12000)}
	for i := range l.phrases {
		l.phrases[i] = make(map[string]*langInfo, 256)
	}
	if err := l.readEmoji("lexicon/emoji.tsv"); err != nil {
		return nil, err
	}
	for lang, code := range langCodes {
		listed, err := l.readWords(lang, "lexicon/"+code+".tsv")
		if err != nil {
			return nil, err
		}
		derive := deriveEN
		if lang == langES {
			derive = deriveES
		}
		for _, w := range listed {
			info := l.build[w].l[lang]
			derive(w, func(form string, scale float32) {
				e := l.entry(form)
				if e.l[lang].flags&(fHas|fGen) != 0 {
					return // listed words and earlier derivations win
				}
				v := info.val * scale
				v = max(-4, min(4, v))
				e.l[lang].val = v
				e.l[lang].flags |= fGen
			})
		}
	}
	for lang := range numLangs {
		r := &rules[lang]
		for _, w := range r.negators {
			l.info(lang, w).flags |= fNeg
		}
		for _, w := range r.never {
			l.info(lang, w).flags |= fNever
		}
		for _, w := range r.contrast {
			l.info(lang, w).flags |= fContrast
		}
		for _, w := range r.lack {
			l.info(lang, w).flags |= fLack
		}
		for _, w := range r.polite {
			l.info(lang, w).flags |= fPolite
		}
		for _, w := range r.stop {
			l.info(lang, w).flags |= fStop
		}
		for w, b := range r.boosters {
			l.info(lang, w).boost = b
		}
	}
	if l.err != nil {
		return nil, l.err
	}
	l.words = make(map[string]entry, len(l.build))
	for w, e := range l.build {
		if strings.HasSuffix(w, "n't") {
			e.l[langEN].flags |= fNeg // don't, can't: also those listed for other reasons
		}
		l.words[w] = *e
	}
	l.build = nil
	l.laugh.l[langEN] = langInfo{val: 1.2, flags: fHas}
	l.laugh.l[langES] = langInfo{val: 1.2, flags: fHas}
	l.nt.l[langEN] = langInfo{flags: fNeg | fStop}
	return l, nil
}

// entry returns the entry of a normalised single token, creating it.
func (l *lexicon) entry(key string) *entry {
	e := l.build[key]
	if e == nil {
		e = &entry{}
		l.build[key] = e
	}
	return e
}

// info returns the langInfo of a word or phrase as written in the rules or a
// lexicon file, normalised the way Analyze normalises text.
func (l *lexicon) info(lang int, text string) *langInfo {
	keys := normaliseKey(text)
	if len(keys) == 1 {
		return &l.entry(keys[0]).l[lang]
	}
	if len(keys) == 0 || len(keys) > maxPhrase {
		if l.err == nil {
			l.err = fmt.Errorf("entry %q: want 1 to %d words", text, maxPhrase)
		}
		return &langInfo{}
	}
	l.entry(keys[0]).l[lang].flags |= fPhrase
	k := strings.Join(keys, " ")
	p := l.phrases[lang][k]
	if p == nil {
		p = &langInfo{}
		l.phrases[lang][k] = p
	}
	return p
}

// normaliseKey splits lexicon text into tokens exactly as Analyze would.
func normaliseKey(text string) []string {
	var s state
	s.tokenize(text, nil)
	keys := make([]string, len(s.toks))
	for i, t := range s.toks {
		keys[i] = string(s.buf[t.start:t.end])
	}
	return keys
}

// readWords reads a word<TAB>valence file into language lang and returns its
// single-word entries, in file order, for derivation.
func (l *lexicon) readWords(lang int, name string) ([]string, error) {
	var listed []string
	err := readTSV(name, func(key string, v float32) error {
		keys := normaliseKey(key)
		info := l.info(lang, key)
		if info.flags&fHas != 0 {
			return fmt.Errorf("duplicate entry %q", key)
		}
		info.val = v
		info.flags |= fHas
		if len(keys) == 1 && isWord(keys[0]) {
			listed = append(listed, keys[0])
		}
		return nil
	})
	return listed, err
}

// readEmoji reads emoji and emoticons, which mean the same in every language.
func (l *lexicon) readEmoji(name string) error {
	return readTSV(name, func(key string, v float32) error {
		var b []byte
		for _, r := range key {
			if isEmojiModifier(r) {
				continue
			}
			if r >= 'A' && r <= 'Z' {
				r += 'a' - 'A'
			}
			b = append(b, string(r)...)
		}
		e := l.entry(string(b))
		for lang := range numLangs {
			if e.l[lang].flags&fHas != 0 {
				return fmt.Errorf("duplicate entry %q", key)
			}
			e.l[lang] = langInfo{val: v, flags: fHas}
		}
		return nil
	})
}

func readTSV(name string, add func(key string, v float32) error) error {
	f, err := lexiconFS.Open(name)
	if err != nil {
		return fmt.Errorf("open lexicon: %w", err)
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for n := 1; sc.Scan(); n++ {
		line := sc.Text()
		if line == "" || line[0] == '#' {
			continue
		}
		key, val, ok := strings.Cut(line, "\t")
		if !ok {
			return fmt.Errorf("%s:%d: want word<TAB>valence", name, n)
		}
		v, err := strconv.ParseFloat(val, 32)
		if err != nil || math.Abs(v) > 4 {
			return fmt.Errorf("%s:%d: valence %q not a number in [-4, 4]", name, n, val)
		}
		if err := add(key, float32(v)); err != nil {
			return fmt.Errorf("%s:%d: %w", name, n, err)
		}
	}
	if err := sc.Err(); err != nil {
		return fmt.Errorf("read %s: %w", name, err)
	}
	return nil
}

// isWord reports whether a normalised token is made of ASCII letters only,
// the words inflections are derived from.
func isWord(w string) bool {
	if len(w) < 2 {
		return false
	}
	for i := 0; i < len(w); i++ {
		if w[i] < 'a' || w[i] > 'z' {
			return false
		}
	}
	return true
}

func isVowel(c byte) bool { return c == 'a' || c == 'e' || c == 'i' || c == 'o' || c == 'u' }

// deriveEN emits regular English inflections of w: plurals and third person,
// past, gerund and -ly adverb. Wrong forms ("gooded") are harmless: nobody
// writes them.
func deriveEN(w string, emit func(string, float32)) {
	n := len(w)
	last := w[n-1]
	switch {
	case last == 'y' && n > 2 && !isVowel(w[n-2]):
		stem := w[:n-1]
		emit(stem+"ies", 1)
		emit(stem+"ied", 1)
		emit(stem+"ily", 1)
		emit(w+"ing", 1)
	case last == 'e':
		emit(w+"s", 1)
		emit(w+"d", 1)
		emit(w[:n-1]+"ing", 1)
		if strings.HasSuffix(w, "le") {
			emit(w[:n-1]+"y", 1) // terrible → terribly
		} else {
			emit(w+"ly", 1)
		}
	default:
		if last == 's' || last == 'x' || last == 'z' || strings.HasSuffix(w, "ch") || strings.HasSuffix(w, "sh") {
			emit(w+"es", 1)
		} else {
			emit(w+"s", 1)
		}
		emit(w+"ed", 1)
		emit(w+"ing", 1)
		emit(w+"ly", 1)
	}
}

// deriveES emits regular Spanish forms of w: gender and number of adjectives
// and participles listed in the masculine singular, plurals of nouns, the
// -ísimo superlative (a little stronger) and the -mente adverb.
func deriveES(w string, emit func(string, float32)) {
	n := len(w)
	last := w[n-1]
	switch {
	case last == 'o':
		stem := w[:n-1]
		emit(stem+"a", 1)
		emit(stem+"os", 1)
		emit(stem+"as", 1)
		emit(stem+"amente", 1)
		if n > 3 {
			for _, suf := range [...]string{"isimo", "isima", "isimos", "isimas"} {
				emit(stem+suf, 1.3)
			}
		}
	case last == 'e':
		emit(w+"s", 1)
		emit(w+"mente", 1)
		if n > 4 {
			stem := w[:n-1]
			for _, suf := range [...]string{"isimo", "isima", "isimos", "isimas"} {
				emit(stem+suf, 1.3)
			}
		}
	case isVowel(last):
		emit(w+"s", 1)
	case last == 'z':
		emit(w[:n-1]+"ces", 1)
		emit(w+"mente", 1)
	default:
		emit(w+"es", 1)
		if strings.HasSuffix(w, "or") {
			emit(w+"a", 1)
			emit(w+"as", 1)
		}
		if last == 'l' {
			emit(w+"mente", 1)
			for _, suf := range [...]string{"isimo", "isima", "isimos", "isimas"} {
				emit(w+suf, 1.3) // fácil → facilísimo
			}
		}
	}
}
