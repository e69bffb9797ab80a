namespace SimdSoftmax;

/// <summary>
/// A no-pack outer-product kernel of <see cref="GemmSkinny.Outer{TKernel}"/>: a strip of <see cref="Width"/> columns of
/// stored A (vectors of <see cref="Lanes"/>) × <see cref="Cols"/> columns of packed op(B), into a transposed C buffer.
/// </summary>
internal interface ISkinnyOuterKernel
{
    static abstract int Width { get; }
    static abstract int Cols { get; }
    static abstract int Lanes { get; }

    /// <summary>
    /// ct[j·ctStride + off(v)] (+)= Σₚ a[p·lda + off(v)]·b[p·bStride + j] for p in 0..k, off(v) = vecOffsets[v] for each of
    /// the Width/Lanes vectors; with <paramref name="accumulate"/> the chains resume from ct.
    /// <paramref name="prefetchDistance"/> &gt; 0: prefetch each row's strip that many floats ahead into L2, and the next
    /// <see cref="Width"/> floats of each row (the caller's next strip) into L1 (a prefetch past the end of A never faults);
    /// 0: no prefetch. Either way the sums are the same.
    /// </summary>
    static abstract unsafe void Run(int k, float* a, nint lda, int* vecOffsets, float* b, nint bStride, float* ct, nint ctStride, bool accumulate,
        nint prefetchDistance = 0);
}
