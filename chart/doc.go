// Package chart draws the charts of reports and objectives (lines over
// time, grouped bars, heat maps) on a Canvas: as SVG for the pages, and on
// any other surface that implements Canvas (the PDF report does). Standard
// library only.
//
// Charts carry no words of their own: titles, series names, labels and the
// formatting of numbers and dates come from the caller, already translated.
// Everything written into SVG is escaped, so names typed by people or read
// from networks are inert.
package chart
