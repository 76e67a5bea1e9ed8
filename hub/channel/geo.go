package channel

import "sort"

// capitals are approximate coordinates (degrees north, east) of each State's
// or UT's capital: how far a mall is from a delivery State is measured
// capital to capital, which is enough to order malls "nearest first".
var capitals = map[string][2]float64{
	"AN": {11.62, 92.73}, "AP": {16.51, 80.52}, "AR": {27.08, 93.61}, "AS": {26.14, 91.79},
	"BR": {25.59, 85.14}, "CH": {30.73, 76.78}, "CG": {21.25, 81.63}, "DH": {20.40, 72.83},
	"DL": {28.61, 77.21}, "GA": {15.49, 73.83}, "GJ": {23.22, 72.64}, "HR": {30.73, 76.78},
	"HP": {31.10, 77.17}, "JK": {34.08, 74.80}, "JH": {23.34, 85.31}, "KA": {12.97, 77.59},
	"KL": {8.52, 76.94}, "LA": {34.15, 77.58}, "LD": {10.57, 72.64}, "MP": {23.26, 77.41},
	"MH": {19.08, 72.88}, "MN": {24.82, 93.94}, "ML": {25.58, 91.89}, "MZ": {23.73, 92.72},
	"NL": {25.67, 94.11}, "OD": {20.30, 85.82}, "PY": {11.94, 79.81}, "PB": {30.73, 76.78},
	"RJ": {26.91, 75.79}, "SK": {27.33, 88.61}, "TN": {13.08, 80.27}, "TS": {17.39, 78.49},
	"TR": {23.83, 91.29}, "UP": {26.85, 80.95}, "UK": {30.32, 78.03}, "WB": {22.57, 88.36},
}

// distance is a squared flat-earth distance in degrees: only its order
// matters. A State without coordinates is placed after every known one.
func distance(a, b string) float64 {
	if a == b {
		return 0
	}
	pa, oka := capitals[a]
	pb, okb := capitals[b]
	if !oka || !okb {
		return 1e9
	}
	dy, dx := pa[0]-pb[0], pa[1]-pb[1]
	return dy*dy + dx*dx
}

// nearestFirst orders holdings by their mall's distance from the delivery
// State, then by mall and zone so the order is the same every time.
func nearestFirst(hs []holding, to string) {
	sort.SliceStable(hs, func(i, j int) bool {
		di, dj := distance(hs[i].state, to), distance(hs[j].state, to)
		if di != dj {
			return di < dj
		}
		if hs[i].mall != hs[j].mall {
			return hs[i].mall < hs[j].mall
		}
		return hs[i].zone < hs[j].zone
	})
}
