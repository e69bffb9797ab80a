namespace SimdSoftmax;

/// <summary>
/// A no-pack dot-product kernel of <see cref="GemmSkinny.Dot{TKernel}"/>: <see cref="Rows"/> rows of A ×
/// <see cref="Cols"/> columns of op(B), each a dot product vectorized along k in vectors of <see cref="Lanes"/> floats.
/// </summary>
internal interface ISkinnyDotKernel
{
    static abstract int Rows { get; }
    static abstract int Cols { get; }
    static abstract int Lanes { get; }

    /// <summary>
    /// acc[(r·Cols + j)·Lanes ..] (+)= lanes of Σₚ a_r[p]·b_j[p] for p in 0..k (k a multiple of Lanes), a_r the row
    /// rowOffsets[r] of a and b_j the row colOffsets[j] of bt; with <paramref name="accumulate"/> the chains resume from acc.
    /// <paramref name="prefetchDistance"/> &gt; 0: prefetch each row of A that many floats ahead into L2 (a prefetch past the
    /// end of A never faults); 0: no prefetch. Either way the sums are the same.
    /// </summary>
    static abstract unsafe void Run(int k, float* a, nint lda, float* bt, nint ldbt, int* rowOffsets, int* colOffsets, float* acc, bool accumulate,
        nint prefetchDistance = 0);

    /// <summary>The horizontal sum of one saved accumulator (<see cref="Lanes"/> floats at <paramref name="lanes"/>).</summary>
    static abstract unsafe float Sum(float* lanes);

    /// <summary>
    /// sums[s] = <see cref="Sum"/>(acc + s·Lanes) for every one of the Rows·Cols saved accumulators, bit for bit (the same
    /// pairwise order), but reduced side by side where the ISA allows: one horizontal sum per element cost the streamed
    /// 5000×3073×10 product several percent.
    /// </summary>
    static abstract unsafe void SumTile(float* acc, float* sums);
}
