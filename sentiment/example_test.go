package sentiment_test

import (
	"fmt"

	"gears/sentiment"
)

func ExampleAnalyze() {
	for _, text := range []string{
		"Thanks for the quick refund, great service! 👍",
		"Still no response after two weeks. Not happy at all.",
		"¿A qué hora abren los domingos?",
		"El envío tardó un poco, pero la atención fue excelente",
	} {
		r := sentiment.Analyze(text, "")
		fmt.Printf("%s %-8s %+.2f\n", r.Lang, r.Label, r.Score)
	}
	// Output:
	// en positive +0.91
	// en negative -0.67
	// es neutral  +0.00
	// es positive +0.74
}
