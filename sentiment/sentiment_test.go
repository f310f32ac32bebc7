package sentiment

import (
	"math"
	"strings"
	"testing"
	"unicode/utf8"

	"gears"
)

func TestNegation(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		text, lang string
		want       gears.Sentiment
	}{
		{"good", "en", gears.Positive},
		{"not good", "en", gears.Negative},
		{"This is not good at all", "en", gears.Negative},
		{"I don't like it", "en", gears.Negative},
		{"I don’t like it", "en", gears.Negative},            // typographic apostrophe
		{"I dont like it", "en", gears.Negative},             // no apostrophe
		{"<p>I don&#39;t like it</p>", "en", gears.Negative}, // HTML
		{"not bad", "en", gears.Positive},
		{"no problem at all", "en", gears.Positive},
		{"still no response", "en", gears.Negative},
		{"my parcel hasn't arrived", "en", gears.Negative},
		{"it doesn't work", "en", gears.Negative},
		{"I've never been so happy", "en", gears.Positive}, // "never so" is emphasis
		{"Used to be a great company", "en", gears.Negative},
		{"bueno", "es", gears.Positive},
		{"no es bueno", "es", gears.Negative},
		{"no me gustó", "es", gears.Negative},
		{"nunca lo recomendaría", "es", gears.Negative},
		{"sin problemas", "es", gears.Positive},
		{"sin luz desde ayer", "es", gears.Negative},
		{"nadie me ha dado una respuesta", "es", gears.Negative},
		{"no funciona", "es", gears.Negative},
		{"poco amable", "es", gears.Negative},
		{"jamás volveré", "es", gears.Negative},
	} {
		if got := Analyze(tc.text, tc.lang); got.Label != tc.want {
			t.Errorf("Analyze(%q) = %+.3f %s, want %s", tc.text, got.Score, got.Label, tc.want)
		}
	}
}

// TestNegationIsMild: a negated negative is weaker than the positive word, and
// a negated positive weaker than the negative word.
func TestNegationIsMild(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct{ negated, plain string }{
		{"no está mal", "es excelente"},
		{"not bad", "great"},
		{"not good", "terrible"},
		{"no es bueno", "es pésimo"},
	} {
		n, p := Analyze(tc.negated, ""), Analyze(tc.plain, "")
		if math.Abs(n.Score) >= math.Abs(p.Score) {
			t.Errorf("|%q| = %.3f, want below |%q| = %.3f", tc.negated, n.Score, tc.plain, p.Score)
		}
	}
	if r := Analyze("no está mal", "es"); r.Label == gears.Negative {
		t.Errorf(`"no está mal" = %+.3f %s, want positive or neutral`, r.Score, r.Label)
	}
}

func TestIntensifiers(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct{ stronger, weaker string }{
		{"very good", "good"},
		{"really bad", "bad"},
		{"extremely slow", "slow"},
		{"so rude", "rude"},
		{"good", "barely good"},
		{"slow", "kind of slow"},
		{"muy bueno", "bueno"},
		{"súper lento", "lento"},
		{"demasiado caro", "caro"},
		{"re lindo", "lindo"},
		{"lento", "un poco lento"},
		{"buenísimo", "bueno"},
		{"The service was AWFUL", "The service was awful"},
		{"great!!!", "great"},
		{"goooood", "good"},
		{"malísimo", "malo"},
	} {
		s, w := Analyze(tc.stronger, ""), Analyze(tc.weaker, "")
		if math.Abs(s.Score) <= math.Abs(w.Score) || s.Score*w.Score <= 0 {
			t.Errorf("%q = %+.3f, want more extreme than %q = %+.3f", tc.stronger, s.Score, tc.weaker, w.Score)
		}
	}
}

func TestContrast(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		text string
		want gears.Sentiment
	}{
		{"Great product but terrible service", gears.Negative},
		{"The wait was long but the staff were brilliant", gears.Positive},
		{"Buen producto pero el envío fue pésimo", gears.Negative},
		{"Tardó un poco pero valió la pena", gears.Positive},
		{"La comida es buena; sin embargo, el servicio es lento y caro", gears.Negative},
	} {
		if got := Analyze(tc.text, ""); got.Label != tc.want {
			t.Errorf("Analyze(%q) = %+.3f %s, want %s", tc.text, got.Score, got.Label, tc.want)
		}
	}
}

func TestTokens(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		text string
		want gears.Sentiment
	}{
		{"pésimo", gears.Negative},
		{"pesimo", gears.Negative},
		{"PÉSIMO", gears.Negative},
		{"pe\u0301simo", gears.Negative}, // decomposed accent
		{"graciasss", gears.Positive},
		{"jajajaja", gears.Positive},
		{":)", gears.Positive},
		{":-(", gears.Negative},
		{"gracias:)", gears.Positive},
		{"<3", gears.Positive},
		{"😡", gears.Negative},
		{"👍🏽", gears.Positive}, // skin tone
		{"❤️", gears.Positive}, // variation selector
		{"#WorstServiceEver", gears.Negative},
		{"Meeting at 10:30", gears.Neutral}, // not an emoticon
		{"see https://example.com/awful-terrible-bad", gears.Neutral},
		{"@TerribleCo when do you open?", gears.Neutral},
		{"<b>Order</b> <i>shipped</i>", gears.Neutral},
	} {
		if got := Analyze(tc.text, ""); got.Label != tc.want {
			t.Errorf("Analyze(%q) = %+.3f %s, want %s", tc.text, got.Score, got.Label, tc.want)
		}
	}
}

func TestLanguage(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct{ text, lang, want string }{
		{"The delivery was late and the box was damaged", "", "en"},
		{"El pedido llegó tarde y la caja estaba rota", "", "es"},
		{"¿Hacen envíos a Canarias?", "", "es"},
		{"Gracias por todo", "", "es"},
		{"Thanks!", "", "en"},
		{"", "", "en"},
		{"👍", "", "en"},
		{"12345", "", "en"},
		{"El pedido llegó tarde", "es-MX", "es"},
		{"El pedido llegó tarde", "ES", "es"},
		{"The order was late", "en_GB", "en"},
		{"The order was late", "fr", "en"},
		{"El pedido llegó tarde", "en", "en"}, // an explicit language wins
	} {
		if got := Analyze(tc.text, tc.lang); got.Lang != tc.want {
			t.Errorf("Analyze(%q, %q).Lang = %q, want %q", tc.text, tc.lang, got.Lang, tc.want)
		}
	}
	if en, es := Analyze("pésimo servicio", "en"), Analyze("pésimo servicio", "es"); en.Label != gears.Neutral || es.Label != gears.Negative {
		t.Errorf("the language's lexicon is used: en %+.3f, es %+.3f", en.Score, es.Score)
	}
}

func TestLabelOf(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		score float64
		want  gears.Sentiment
	}{
		{-1, gears.Negative},
		{-threshold, gears.Negative},
		{-threshold + 0.001, gears.Neutral},
		{0, gears.Neutral},
		{threshold - 0.001, gears.Neutral},
		{threshold, gears.Positive},
		{1, gears.Positive},
		{math.NaN(), gears.Neutral},
		{math.Inf(1), gears.Positive},
		{math.Inf(-1), gears.Negative},
	} {
		if got := LabelOf(tc.score); got != tc.want {
			t.Errorf("LabelOf(%v) = %s, want %s", tc.score, got, tc.want)
		}
	}
}

func TestRobust(t *testing.T) {
	t.Parallel()
	huge := strings.Repeat("terrible awful 😡 ", 100000)
	for _, text := range []string{
		"", " ", "\x00", "\xff\xfe\xfd", "a\xffb", strings.Repeat("!", 10000), strings.Repeat("?", 10000),
		strings.Repeat("no ", 5000), strings.Repeat("very ", 5000) + "good", huge,
		strings.Repeat("<", 10000), strings.Repeat("&#39;", 2000), strings.Repeat("é", 6000),
		"<script>alert('bad')</script>", strings.Repeat("\u200d\ufe0f", 3000), "😡" + string([]byte{0xf0, 0x9f}),
		strings.Repeat("jajaja", 2000), strings.Repeat(":) ", 3000), strings.Repeat("ññ", 3000),
	} {
		checkResult(t, text, Analyze(text, ""))
	}
	if r := Analyze(huge, "en"); r.Score > -0.99 {
		t.Errorf("a long tirade = %+.3f, want near -1", r.Score)
	}
}

func checkResult(t *testing.T, text string, r Result) {
	t.Helper()
	if !(r.Score >= -1 && r.Score <= 1) {
		t.Errorf("Analyze(%.40q).Score = %v, want in [-1, 1]", text, r.Score)
	}
	if !r.Label.Valid() || r.Label != LabelOf(r.Score) {
		t.Errorf("Analyze(%.40q).Label = %q for score %v", text, r.Label, r.Score)
	}
	if r.Lang != "en" && r.Lang != "es" {
		t.Errorf("Analyze(%.40q).Lang = %q", text, r.Lang)
	}
}

func FuzzAnalyze(f *testing.F) {
	for _, s := range []string{
		"not good", "no está nada mal", "Great product but terrible service!!!", ":) <3 😡👍🏽",
		"<p>don&#39;t</p>", "https://x.y/z @user #HashTag", "\xff\xfe", "sooo goood", "¿Qué tal?",
	} {
		f.Add(s, "")
		f.Add(s, "es")
	}
	f.Fuzz(func(t *testing.T, text, lang string) {
		r := Analyze(text, lang)
		checkResult(t, text, r)
		if utf8.ValidString(text) && len(text) < maxBytes {
			if r2 := Analyze(text, lang); r2 != r {
				t.Errorf("Analyze(%q) not deterministic: %v, then %v", text, r, r2)
			}
		}
	})
}

// TestLexicon checks the embedded lexicons load and have the promised size.
func TestLexicon(t *testing.T) {
	t.Parallel()
	if _, err := load(); err != nil {
		t.Fatal(err)
	}
	lex := lexicons()
	var listed [numLangs]int
	for _, e := range lex.words {
		for l := range numLangs {
			if e.l[l].flags&fHas != 0 {
				listed[l]++
			}
		}
	}
	for l, code := range langCodes {
		n := listed[l] + len(lex.phrases[l])
		t.Logf("%s: %d listed words and emoji, %d phrases (%d distinct tokens known, with derived forms)", code, listed[l], len(lex.phrases[l]), len(lex.words))
		if n < 500 {
			t.Errorf("%s lexicon has %d entries, want at least 500", code, n)
		}
	}
}

// benchTexts are realistic messages of about 200 bytes.
var benchTexts = []struct{ name, text, lang string }{
	{"en_complaint", "@SkyLinkAir my flight got cancelled and nobody at the desk could tell us anything. Been on hold for 2 hours, TWO HOURS. This is ridiculous, still no refund after 6 weeks 😡 #NeverAgain", ""},
	{"en_praise", "Huge thanks to the team at the Leeds store for sorting out my order so quickly! Really friendly staff, and the new app is so much smoother now ❤️ Will definitely be back next month.", ""},
	{"en_question", "Hi there, I moved house last week and need to update the billing address on my account. Can I do that in the app or do I need to call you? Also, is the Camden branch open on Sunday? Thanks", "en"},
	{"es_queja", "Llevo dos semanas esperando el reembolso y nadie me responde. Pésimo servicio: el pedido llegó roto y encima no me contestan los correos. ¡Una vergüenza! 👎 No vuelvo a comprar.", ""},
	{"es_pregunta", "Hola, buenas tardes. ¿Me pueden decir el estado de mi pedido 45781? Lo hice el lunes por la web y todavía figura como pendiente de envío. Muchas gracias de antemano, un saludo", "es"},
}

func BenchmarkAnalyze(b *testing.B) {
	for _, bt := range benchTexts {
		b.Run(bt.name, func(b *testing.B) {
			b.ReportAllocs()
			b.SetBytes(int64(len(bt.text)))
			for b.Loop() {
				Analyze(bt.text, bt.lang)
			}
		})
	}
}
