using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace SimdSoftmax;

/// <summary>The multiclass SVM on 512-bit vectors: a k-masked hinge row (the fused classifier uses the softmax classifier's tiles, <see cref="IFusedClassifierKernels"/>).</summary>
internal readonly unsafe partial struct Avx512Isa : ISvmIsa
{
    static KernelPath ISvmIsa.Path => KernelPath.Avx512;

    /// <summary>
    /// Sixteen classes per step; the last step is k-masked, so a row of C ≤ 16 (CIFAR, MNIST) is one load and one store. The hinge terms accumulate in one vector across rows (reduced to double every 64 rows) and each row's count of
    /// positive margins is a popcount of the comparison mask, so a short row costs no horizontal reduction.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    static double ISvmIsa.HingeRows(float* s, int* labels, int rows, int classes, int ld, float* g, int ldg, float scale)
    {
        const int W = 16;
        Vector512<float> one = Vector512<float>.One, zero = Vector512<float>.Zero, vscale = Vector512.Create(scale);
        // Classes past the last full vector: the tail mask is the same for every row.
        Vector512<float> tailMask = Vector512.LessThan(Vector512<int>.Indices, Vector512.Create(classes % W)).AsSingle();
        Vector512<float> acc = zero;
        double total = 0;
        for (int r = 0; r < rows; r++)
        {
            int label = labels[r];
            float* sr = s + (nint)r * ld;
            float* gr = g == null ? null : g + (nint)r * ldg;
            Vector512<float> vsy = Vector512.Create(sr[label]);
            Vector512<int> labelLane = Vector512.Create(label) - Vector512<int>.Indices; // zero in the lane of the label
            int count = 0;
            for (int j = 0; j < classes; j += W)
            {
                bool full = classes - j >= W;
                Vector512<float> inRow = full ? Vector512<float>.AllBitsSet : tailMask;
                Vector512<float> v = full ? Vector512.Load(sr + j) : Avx512F.MaskLoad(sr + j, inRow, zero);
                // Same operation order as the reference, (s_j − s_y) + 1, so both paths agree on which margins are positive.
                Vector512<float> m = (v - vsy) + one;
                Vector512<float> counted = Vector512.AndNot(inRow, Vector512.Equals(labelLane, Vector512.Create(j)).AsSingle());
                Vector512<float> positive = Vector512.GreaterThan(m, zero) & counted;
                Vector512<float> nan = ~Vector512.Equals(m, m) & counted;
                acc += m & (positive | nan);
                count += BitOperations.PopCount(Vector512.ExtractMostSignificantBits(positive));
                if (gr != null)
                {
                    Vector512<float> grad = vscale & positive;
                    if (full) grad.Store(gr + j);
                    else Avx512F.MaskStore(gr + j, inRow, grad);
                }
            }
            if (gr != null) gr[label] = -(count * scale);
            if ((r & 63) == 63)
            {
                total += Vector512.Sum(acc);
                acc = zero;
            }
        }
        return total + Vector512.Sum(acc);
    }
}
