using System.Diagnostics;
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace SimdSoftmax;

/// <summary>
/// Fused cross-entropy on rows of logits, 512-bit: per row (in L1) max; e = exp(s − max) stored straight into the
/// gradient while Σ_{j≠y} e_j accumulates; then the same row is scaled to <c>(p − onehot)·scale</c>. Loss term
/// <c>log(Σe) − (s_y − max)</c>. Tails are k-masked loads/stores: nothing outside the row is touched.
/// Rows of at most <see cref="CrossEntropyShortRowsInRegistersAvx512.MaxClasses"/> go sixteen at a time through
/// <see cref="CrossEntropyShortRowsInRegistersAvx512"/>, which keeps the group in zmm registers (a 16-row variant
/// through a stack tile on <see cref="Transpose16x16Avx512"/> had measured about 2× slower than the 8-row AVX2 kernel);
/// rows of up to <see cref="CrossEntropyShortRowsAvx2.MaxClasses"/> go eight at a time through that AVX2 kernel.
/// </summary>
internal static unsafe class CrossEntropyRowsAvx512
{
    /// <summary>Σ of the row losses of <paramref name="rows"/> rows; gradient written when <paramref name="g"/> is not null (may equal <paramref name="s"/>).</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static double Run(float* s, int* labels, int rows, int c, int ld, float* g, int ldg, float scale)
    {
        double total = 0;
        int r = 0;
        if (c <= CrossEntropyShortRowsInRegistersAvx512.MaxClasses)
            return CrossEntropyShortRowsInRegistersAvx512.Run(s, labels, rows, c, ld, g, ldg, scale);
        if (c <= CrossEntropyShortRowsAvx2.MaxClasses)
        {
            r = rows / CrossEntropyShortRowsAvx2.Group * CrossEntropyShortRowsAvx2.Group;
            total = CrossEntropyShortRowsAvx2.Run(s, labels, r, c, ld, g, ldg, scale);
        }
        for (; r < rows; r++)
            total += Row(s + (nint)r * ld, labels[r], c, g == null ? null : g + (nint)r * ldg, scale);
        return total;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector512<float> TailMask(int count) =>
        Vector512.LessThan(Vector512<int>.Indices, Vector512.Create(count)).AsSingle();

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static double Row(float* s, int label, int c, float* g, float scale)
    {
        Debug.Assert((uint)label < (uint)c);
        float sy = s[label];
        Vector512<float> negInf = Vector512.Create(float.NegativeInfinity);
        Vector512<float> m0 = negInf, m1 = negInf;
        int j = 0;
        for (; j <= c - 32; j += 32)
        {
            m0 = Avx512F.Max(m0, Vector512.Load(s + j));
            m1 = Avx512F.Max(m1, Vector512.Load(s + j + 16));
        }
        for (; j <= c - 16; j += 16) m0 = Avx512F.Max(m0, Vector512.Load(s + j));
        int tail = c - j;
        Vector512<float> mask = tail > 0 ? TailMask(tail) : Vector512<float>.Zero;
        if (tail > 0) m0 = Avx512F.Max(m0, Avx512F.MaskLoad(s + j, mask, negInf));
        float max = MaxAcross(Avx512F.Max(m0, m1));
        Vector512<float> vmax = Vector512.Create(max);

        // NaN anywhere in the row makes its e NaN, hence others, the loss and every gradient entry NaN, as in the reference.
        Vector512<int> label16 = Vector512.Create(label) - Vector512<int>.Indices; // lane k holds label − k: zero where j + k == label
        Vector512<float> others = Vector512<float>.Zero;
        for (j = 0; j <= c - 16; j += 16)
        {
            Vector512<float> e = ExpRr2P5.Exp(Vector512.Load(s + j) - vmax);
            if (g != null) e.Store(g + j);
            others += Vector512.AndNot(e, Vector512.Equals(label16, Vector512.Create(j)).AsSingle());
        }
        if (tail > 0)
        {
            Vector512<float> e = ExpRr2P5.Exp(Avx512F.MaskLoad(s + j, mask, negInf) - vmax) & mask;
            if (g != null) Avx512F.MaskStore(g + j, mask, e);
            others += Vector512.AndNot(e, Vector512.Equals(label16, Vector512.Create(j)).AsSingle());
        }
        float sumOthers = Vector512.Sum(others);
        float ey = ExpRr2P5.Exp(Vector512.Create(sy - max)).ToScalar();
        double loss = Math.Log((double)sumOthers + ey) - ((double)sy - max);
        if (g != null)
        {
            Vector512<float> inv = Vector512.Create(scale / (sumOthers + ey));
            for (j = 0; j <= c - 16; j += 16) (Vector512.Load(g + j) * inv).Store(g + j);
            if (tail > 0) Avx512F.MaskStore(g + j, mask, Avx512F.MaskLoad(g + j, mask, Vector512<float>.Zero) * inv);
            g[label] = -(sumOthers * inv.ToScalar());
        }
        return loss;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static float MaxAcross(Vector512<float> v)
    {
        Vector256<float> m = Avx.Max(v.GetLower(), v.GetUpper());
        Vector128<float> h = Sse.Max(m.GetLower(), m.GetUpper());
        h = Sse.Max(h, Sse.Shuffle(h, h, 0b_01_00_11_10));
        h = Sse.Max(h, Sse.Shuffle(h, h, 0b_10_11_00_01));
        return h.ToScalar();
    }
}
