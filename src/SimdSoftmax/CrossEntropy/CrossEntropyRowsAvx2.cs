using System.Diagnostics;
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace SimdSoftmax;

/// <summary>
/// Fused cross-entropy on rows of logits, 256-bit (AVX2 + FMA): per row (in L1) max; e = exp(s − max) stored straight into the
/// gradient while Σ_{j≠y} e_j accumulates; then the same row is scaled to <c>(p − onehot)·scale</c>. Loss term
/// <c>log(Σe) − (s_y − max)</c>. Tails are vmaskmovps loads/stores: nothing outside the row is touched.
/// Rows of at most <see cref="CrossEntropyShortRowsAvx2.MaxClasses"/> go a group at a time through the transposed kernel.
/// </summary>
internal static unsafe class CrossEntropyRowsAvx2
{
    /// <summary>Σ of the row losses of <paramref name="rows"/> rows; gradient written when <paramref name="g"/> is not null (may equal <paramref name="s"/>).</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static double Run(float* s, int* labels, int rows, int c, int ld, float* g, int ldg, float scale)
    {
        double total = 0;
        int r = 0;
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
    private static Vector256<float> TailMask(int count) =>
        Vector256.LessThan(Vector256<int>.Indices, Vector256.Create(count)).AsSingle();

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static double Row(float* s, int label, int c, float* g, float scale)
    {
        Debug.Assert((uint)label < (uint)c);
        float sy = s[label];
        Vector256<float> negInf = Vector256.Create(float.NegativeInfinity);
        Vector256<float> m0 = negInf, m1 = negInf;
        int j = 0;
        for (; j <= c - 16; j += 16)
        {
            m0 = Avx.Max(m0, Vector256.Load(s + j));
            m1 = Avx.Max(m1, Vector256.Load(s + j + 8));
        }
        for (; j <= c - 8; j += 8) m0 = Avx.Max(m0, Vector256.Load(s + j));
        int tail = c - j;
        Vector256<float> mask = tail > 0 ? TailMask(tail) : Vector256<float>.Zero;
        if (tail > 0) m0 = Avx.Max(m0, Avx.BlendVariable(negInf, Avx.MaskLoad(s + j, mask), mask));
        float max = MaxAcross(Avx.Max(m0, m1));
        Vector256<float> vmax = Vector256.Create(max);

        // NaN anywhere in the row makes its e NaN, hence others, the loss and every gradient entry NaN, as in the reference.
        Vector256<int> label16 = Vector256.Create(label) - Vector256<int>.Indices; // lane k holds label − k: zero where j + k == label
        Vector256<float> others = Vector256<float>.Zero;
        for (j = 0; j <= c - 8; j += 8)
        {
            Vector256<float> e = ExpRr2P5.Exp(Vector256.Load(s + j) - vmax);
            if (g != null) e.Store(g + j);
            others += Vector256.AndNot(e, Vector256.Equals(label16, Vector256.Create(j)).AsSingle());
        }
        if (tail > 0)
        {
            Vector256<float> e = ExpRr2P5.Exp(Avx.BlendVariable(negInf, Avx.MaskLoad(s + j, mask), mask) - vmax) & mask;
            if (g != null) Avx.MaskStore(g + j, mask, e);
            others += Vector256.AndNot(e, Vector256.Equals(label16, Vector256.Create(j)).AsSingle());
        }
        float sumOthers = Vector256.Sum(others);
        float ey = ExpRr2P5.Exp(Vector256.Create(sy - max)).ToScalar();
        double loss = Math.Log((double)sumOthers + ey) - ((double)sy - max);
        if (g != null)
        {
            Vector256<float> inv = Vector256.Create(scale / (sumOthers + ey));
            for (j = 0; j <= c - 8; j += 8) (Vector256.Load(g + j) * inv).Store(g + j);
            if (tail > 0) Avx.MaskStore(g + j, mask, Avx.MaskLoad(g + j, mask) * inv);
            g[label] = -(sumOthers * inv.ToScalar());
        }
        return loss;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static float MaxAcross(Vector256<float> v)
    {
        Vector128<float> h = Sse.Max(v.GetLower(), v.GetUpper());
        h = Sse.Max(h, Sse.Shuffle(h, h, 0b_01_00_11_10));
        h = Sse.Max(h, Sse.Shuffle(h, h, 0b_10_11_00_01));
        return h.ToScalar();
    }
}
