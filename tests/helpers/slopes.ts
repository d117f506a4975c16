/** Every slope over pairs with distinct x, ascending, computed the obvious way (Theil–Sen's reference). */
export function allPairSlopes(x: ArrayLike<number>, y: ArrayLike<number>): Float64Array {
  const collected: number[] = [];
  for (let i = 0; i < x.length; i++) {
    for (let j = i + 1; j < x.length; j++) {
      const dx = (x[j] as number) - (x[i] as number);
      if (dx !== 0) collected.push(((y[j] as number) - (y[i] as number)) / dx);
    }
  }
  return Float64Array.from(collected).sort();
}
