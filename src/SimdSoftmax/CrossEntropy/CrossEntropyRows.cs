using System.Runtime.CompilerServices;

namespace SimdSoftmax;

/// <summary>What an ISA supplies to <see cref="CrossEntropyRows{TIsa, V}"/>: its short-row kernels.</summary>
internal unsafe interface ICrossEntropyIsa
{
    /// <summary>
    /// Runs the ISA's short-row kernel on as many leading rows of <paramref name="rows"/> as it takes (none when
    /// <paramref name="c"/> is too long for it), sets <paramref name="total"/> to their Σ loss and returns how many rows it did.
    /// </summary>
    static abstract int CrossEntropyShortRows(float* s, int* labels, int rows, int c, int ld, float* g, int ldg, float scale, ref double total);
}

/// <summary>
/// Fused cross-entropy on rows of logits on one ISA: the driver. The ISA's short-row kernels take what they can
/// (<see cref="ICrossEntropyIsa.CrossEntropyShortRows"/>), the rest through <see cref="CrossEntropyLongRow{T, V}"/>: pipelined
/// across rows up to <see cref="Tuning.RowPipelineOutOfCacheMaxCols"/> classes, one row at a time beyond (the same bits).
/// </summary>
internal static unsafe class CrossEntropyRows<TIsa, V> where TIsa : struct, ICrossEntropyIsa, IVectorOps<V> where V : struct
{
    /// <summary>Σ of the row losses of <paramref name="rows"/> rows; gradient written when <paramref name="g"/> is not null (may equal <paramref name="s"/>).</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static double Run(float* s, int* labels, int rows, int c, int ld, float* g, int ldg, float scale)
    {
        double total = 0;
        int r = TIsa.CrossEntropyShortRows(s, labels, rows, c, ld, g, ldg, scale, ref total);
        if (c <= Tuning.RowPipelineOutOfCacheMaxCols)
            return CrossEntropyLongRow<TIsa, V>.Rows(s + (nint)r * ld, labels + r, rows - r, c, ld, g == null ? null : g + (nint)r * ldg, ldg, scale, total);
        for (; r < rows; r++)
            total += CrossEntropyLongRow<TIsa, V>.Row(s + (nint)r * ld, labels[r], c, g == null ? null : g + (nint)r * ldg, scale);
        return total;
    }
}
