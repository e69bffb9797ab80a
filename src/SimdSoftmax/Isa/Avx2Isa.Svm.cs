using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace SimdSoftmax;

/// <summary>The multiclass SVM on 256-bit vectors: a masked hinge row (the fused classifier uses the softmax classifier's tiles, <see cref="IFusedClassifierKernels"/>).</summary>
internal readonly unsafe partial struct Avx2Isa : ISvmIsa
{
    static KernelPath ISvmIsa.Path => KernelPath.Avx2;

    /// <summary>
    /// Eight classes per step; the last step uses <c>vmaskmovps</c>, which neither reads nor writes the masked-off lanes. The hinge terms accumulate in one vector across rows (reduced to double every 64 rows) and each row's count of
    /// positive margins is a popcount of the comparison mask, so a short row costs no horizontal reduction.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    static double ISvmIsa.HingeRows(float* s, int* labels, int rows, int classes, int ld, float* g, int ldg, float scale)
    {
        const int W = 8;
        Vector256<float> one = Vector256<float>.One, zero = Vector256<float>.Zero, vscale = Vector256.Create(scale);
        // Classes past the last full vector: the tail mask is the same for every row.
        Vector256<float> tailMask = Vector256.LessThan(Vector256<int>.Indices, Vector256.Create(classes % W)).AsSingle();
        Vector256<float> acc = zero;
        double total = 0;
        for (int r = 0; r < rows; r++)
        {
            int label = labels[r];
            float* sr = s + (nint)r * ld;
            float* gr = g == null ? null : g + (nint)r * ldg;
            Vector256<float> vsy = Vector256.Create(sr[label]);
            Vector256<int> labelLane = Vector256.Create(label) - Vector256<int>.Indices; // zero in the lane of the label
            int count = 0;
            for (int j = 0; j < classes; j += W)
            {
                bool full = classes - j >= W;
                Vector256<float> inRow = full ? Vector256<float>.AllBitsSet : tailMask;
                Vector256<float> v = full ? Vector256.Load(sr + j) : Avx.MaskLoad(sr + j, inRow);
                // Same operation order as the reference, (s_j − s_y) + 1, so both paths agree on which margins are positive.
                Vector256<float> m = (v - vsy) + one;
                Vector256<float> counted = Vector256.AndNot(inRow, Vector256.Equals(labelLane, Vector256.Create(j)).AsSingle());
                Vector256<float> positive = Vector256.GreaterThan(m, zero) & counted;
                Vector256<float> nan = ~Vector256.Equals(m, m) & counted;
                acc += m & (positive | nan);
                count += BitOperations.PopCount(Vector256.ExtractMostSignificantBits(positive));
                if (gr != null)
                {
                    Vector256<float> grad = vscale & positive;
                    if (full) grad.Store(gr + j);
                    else Avx.MaskStore(gr + j, inRow, grad);
                }
            }
            if (gr != null) gr[label] = -(count * scale);
            if ((r & 63) == 63)
            {
                total += Vector256.Sum(acc);
                acc = zero;
            }
        }
        return total + Vector256.Sum(acc);
    }
}
