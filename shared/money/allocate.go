package money

import (
	"errors"
	"math/big"
	"sort"

	"github.com/shopspring/decimal"
)

// Allocate splits total over weights by the largest-remainder (Hamilton)
// method in whole paise: every part is floor(total×w/Σw) and the paise left
// over go one each to the parts with the largest remainders, ties to the
// earlier index. The parts always add up to total exactly. A negative total
// is allocated as the negation of allocating its absolute value, so a
// reversal mirrors the original split paisa for paisa.
func Allocate(total Amount, weights []int64) ([]Amount, error) {
	if len(weights) == 0 {
		return nil, errors.New("money: allocate over no weights")
	}
	var sum big.Int
	for _, w := range weights {
		if w < 0 {
			return nil, errors.New("money: negative allocation weight")
		}
		sum.Add(&sum, big.NewInt(w))
	}
	if sum.Sign() == 0 {
		return nil, errors.New("money: allocation weights sum to zero")
	}
	// Work in big.Int paise throughout: the total may be any Amount (even
	// one whose paise sit at the edge of int64, where negating overflows).
	p := total.d.Mul(hundred).BigInt()
	neg := p.Sign() < 0
	p.Abs(p)
	parts := make([]*big.Int, len(weights))
	rems := make([]*big.Int, len(weights))
	given := new(big.Int)
	for i, w := range weights {
		q, r := new(big.Int), new(big.Int)
		q.Mul(p, big.NewInt(w))
		q.QuoRem(q, &sum, r)
		parts[i] = q
		rems[i] = r
		given.Add(given, q)
	}
	order := make([]int, len(weights))
	for i := range order {
		order[i] = i
	}
	sort.SliceStable(order, func(a, b int) bool { return rems[order[a]].Cmp(rems[order[b]]) > 0 })
	// The paise left over are fewer than len(weights): each part lost less
	// than one paisa to the floor.
	left := new(big.Int).Sub(p, given).Int64()
	one := big.NewInt(1)
	for k := int64(0); k < left; k++ {
		parts[order[k]].Add(parts[order[k]], one)
	}
	out := make([]Amount, len(parts))
	for i, v := range parts {
		if neg {
			v.Neg(v)
		}
		out[i] = Amount{d: decimal.NewFromBigInt(v, -2)}
	}
	return out, nil
}
