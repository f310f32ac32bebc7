package recommend

import "slices"

// Median returns the middle value of xs (the mean of the two middle ones
// when there is an even number), or 0 for none.
func Median(xs []float64) float64 {
	if len(xs) == 0 {
		return 0
	}
	s := slices.Clone(xs)
	slices.Sort(s)
	m := len(s) / 2
	if len(s)%2 == 1 {
		return s[m]
	}
	return (s[m-1] + s[m]) / 2
}

// Mean returns the average of xs, or 0 for none.
func Mean(xs []float64) float64 {
	if len(xs) == 0 {
		return 0
	}
	var sum float64
	for _, x := range xs {
		sum += x
	}
	return sum / float64(len(xs))
}

// Slope returns the least-squares slope of ys over their positions 0, 1,
// 2…: how much they change per step (per week), or 0 for fewer than two.
func Slope(ys []float64) float64 {
	n := float64(len(ys))
	if n < 2 {
		return 0
	}
	mx := (n - 1) / 2
	my := Mean(ys)
	var num, den float64
	for i, y := range ys {
		dx := float64(i) - mx
		num += dx * (y - my)
		den += dx * dx
	}
	return num / den
}

// Rise is the change the least-squares line fits across ys: Slope × (n − 1).
func Rise(ys []float64) float64 {
	if len(ys) < 2 {
		return 0
	}
	return Slope(ys) * float64(len(ys)-1)
}
