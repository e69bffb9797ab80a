using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace SimdSoftmax;

/// <summary>The multiclass SVM on 512-bit vectors: the softmax classifier's 2×10 / 10×32 tiles and a k-masked hinge row.</summary>
internal readonly unsafe partial struct Avx512Isa : ISvmIsa
{
    static KernelPath ISvmIsa.Path => KernelPath.Avx512;
    static int ISvmIsa.Width => 16;
    static int ISvmIsa.ClassTile => ScoresTile2x10Avx512.Classes;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    static void ISvmIsa.Scores(float* x0, float* x1, float* w, int count, float* p, bool first, byte* pf, nint pfStep) =>
        ScoresTile2x10Avx512.Run(x0, x1, w, count, p, first, pf, pfStep);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    static void ISvmIsa.Gradient(float* x, nint ldx, int rows, float* ds, nint lds, float* dw, int count, bool first, byte* pf, nint pfStep) =>
        GradientTile10x32Avx512.Run(x, ldx, rows, ds, lds, dw, count, first, pf, pfStep);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    static float ISvmIsa.SumAcross(float* v) => Vector512.Sum(Vector512.Load(v));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    static void ISvmIsa.SumAcrossWidth(float* v, float* dst) => HorizontalSums16Avx512.Run(v, dst);

    /// <summary>Sixteen classes per step; the last step is k-masked, so a row of C ≤ 16 (CIFAR, MNIST) is one load and one store.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    static float ISvmIsa.HingeRow(float* s, int label, int classes, float* g, float scale)
    {
        float sy = s[label];
        Vector512<float> vsy = Vector512.Create(sy), one = Vector512<float>.One, zero = Vector512<float>.Zero, vscale = Vector512.Create(scale);
        Vector512<int> labelLane = Vector512.Create(label) - Vector512<int>.Indices; // zero in the lane of the label
        Vector512<float> sum = zero, count = zero;
        for (int j = 0; j < classes; j += 16)
        {
            int rest = classes - j;
            Vector512<float> inRow = rest >= 16 ? Vector512<float>.AllBitsSet
                : Vector512.LessThan(Vector512<int>.Indices, Vector512.Create(rest)).AsSingle();
            Vector512<float> v = rest >= 16 ? Vector512.Load(s + j) : Avx512F.MaskLoad(s + j, inRow, zero);
            // Same operation order as the reference, (s_j − s_y) + 1, so both paths agree on which margins are positive.
            Vector512<float> m = (v - vsy) + one;
            Vector512<float> counted = Vector512.AndNot(inRow, Vector512.Equals(labelLane, Vector512.Create(j)).AsSingle());
            Vector512<float> positive = Vector512.GreaterThan(m, zero) & counted;
            Vector512<float> nan = ~Vector512.Equals(m, m) & counted;
            sum += m & (positive | nan);
            count += one & positive;
            if (g != null)
            {
                Vector512<float> grad = vscale & positive;
                if (rest >= 16) grad.Store(g + j);
                else Avx512F.MaskStore(g + j, inRow, grad);
            }
        }
        if (g != null) g[label] = -(Vector512.Sum(count) * scale);
        return Vector512.Sum(sum);
    }
}
