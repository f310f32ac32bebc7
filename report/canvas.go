package report

import (
	"github.com/go-pdf/fpdf"

	"gears/chart"
)

// canvas draws a chart on a PDF page, from an origin in points.
type canvas struct {
	pdf    *fpdf.Fpdf
	tr     func(string) string
	ox, oy float64
}

func (c *canvas) Rect(x, y, w, h float64, fill chart.Color) {
	c.pdf.SetFillColor(int(fill.R), int(fill.G), int(fill.B))
	c.pdf.Rect(c.ox+x, c.oy+y, w, h, "F")
}

func (c *canvas) Line(x1, y1, x2, y2 float64, stroke chart.Color, width float64, dashed bool) {
	c.stroke(stroke, width)
	if dashed {
		c.pdf.SetDashPattern([]float64{6, 4}, 0)
	}
	c.pdf.Line(c.ox+x1, c.oy+y1, c.ox+x2, c.oy+y2)
	if dashed {
		c.pdf.SetDashPattern(nil, 0)
	}
}

func (c *canvas) Polyline(points []chart.XY, stroke chart.Color, width float64) {
	if len(points) < 2 {
		return
	}
	c.stroke(stroke, width)
	c.pdf.SetLineJoinStyle("round")
	c.pdf.MoveTo(c.ox+points[0].X, c.oy+points[0].Y)
	for _, p := range points[1:] {
		c.pdf.LineTo(c.ox+p.X, c.oy+p.Y)
	}
	c.pdf.DrawPath("D")
	c.pdf.SetLineJoinStyle("miter")
}

func (c *canvas) Text(x, y float64, s string, size float64, fill chart.Color, anchor chart.Anchor) {
	c.pdf.SetFont("Helvetica", "", size*0.85) // SVG pixels read larger than PDF points
	c.pdf.SetTextColor(int(fill.R), int(fill.G), int(fill.B))
	s = c.tr(s)
	switch anchor {
	case chart.Middle:
		x -= c.pdf.GetStringWidth(s) / 2
	case chart.End:
		x -= c.pdf.GetStringWidth(s)
	}
	c.pdf.Text(c.ox+x, c.oy+y, s)
}

func (c *canvas) stroke(col chart.Color, width float64) {
	c.pdf.SetDrawColor(int(col.R), int(col.G), int(col.B))
	c.pdf.SetLineWidth(width * 0.75)
}
