using System.Diagnostics;
using System.Runtime.CompilerServices;

namespace SimdSoftmax;

/// <summary>
/// Fused cross-entropy on one row of logits, written once over the ISA's vector operations <typeparamref name="T"/>:
/// max (in L1); e = exp(s − max) stored straight into the gradient while Σ_{j≠y} e_j accumulates; then the same row is
/// scaled to <c>(p − onehot)·scale</c>. Loss term <c>log(Σe) − (s_y − max)</c>. Tails are masked loads/stores:
/// nothing outside the row is touched.
/// </summary>
internal static unsafe class CrossEntropyLongRow<T, V> where T : struct, IVectorOps<V> where V : struct
{
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static double Row(float* s, int label, int c, float* g, float scale)
    {
        Debug.Assert((uint)label < (uint)c);
        int w = T.Width;
        float sy = s[label];
        V negInf = T.Create(float.NegativeInfinity);
        V m0 = negInf, m1 = negInf;
        int j = 0;
        for (; j <= c - 2 * w; j += 2 * w)
        {
            m0 = T.Max(m0, T.Load(s + j));
            m1 = T.Max(m1, T.Load(s + j + w));
        }
        for (; j <= c - w; j += w) m0 = T.Max(m0, T.Load(s + j));
        int tail = c - j;
        V mask = tail > 0 ? T.TailMask(tail) : T.Zero;
        if (tail > 0) m0 = T.Max(m0, T.MaskLoad(s + j, mask, negInf));
        float max = T.MaxAcross(T.Max(m0, m1));
        V vmax = T.Create(max);

        // NaN anywhere in the row makes its e NaN, hence others, the loss and every gradient entry NaN, as in the reference.
        V labelLanes = T.LabelLanes(label); // lane k holds label − k: equal to j where j + k == label
        V others = T.Zero;
        for (j = 0; j <= c - w; j += w)
        {
            V e = T.Exp(T.Subtract(T.Load(s + j), vmax));
            if (g != null) T.Store(e, g + j);
            others = T.Add(others, T.AndNot(e, T.LanesEqual(labelLanes, j)));
        }
        if (tail > 0)
        {
            V e = T.And(T.Exp(T.Subtract(T.MaskLoad(s + j, mask, negInf), vmax)), mask);
            if (g != null) T.MaskStore(g + j, mask, e);
            others = T.Add(others, T.AndNot(e, T.LanesEqual(labelLanes, j)));
        }
        float sumOthers = T.Sum(others);
        float ey = T.ToScalar(T.Exp(T.Create(sy - max)));
        double loss = Math.Log((double)sumOthers + ey) - ((double)sy - max);
        if (g != null)
        {
            V inv = T.Create(scale / (sumOthers + ey));
            for (j = 0; j <= c - w; j += w) T.Store(T.Multiply(T.Load(g + j), inv), g + j);
            if (tail > 0) T.MaskStore(g + j, mask, T.Multiply(T.MaskLoad(g + j, mask), inv));
            g[label] = -(sumOthers * T.ToScalar(inv));
        }
        return loss;
    }
}
