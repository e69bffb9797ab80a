using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace SimdSoftmax;

/// <summary>The multiclass SVM on 256-bit vectors: the softmax classifier's 2×5 / 5×16 tiles and a masked hinge row.</summary>
internal readonly unsafe partial struct Avx2Isa : ISvmIsa
{
    static KernelPath ISvmIsa.Path => KernelPath.Avx2;
    static int ISvmIsa.Width => 8;
    static int ISvmIsa.ClassTile => ScoresTile2x5Avx2.Classes;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    static void ISvmIsa.Scores(float* x0, float* x1, float* w, int count, float* p, bool first, byte* pf, nint pfStep) =>
        ScoresTile2x5Avx2.Run(x0, x1, w, count, p, first, pf, pfStep);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    static void ISvmIsa.Gradient(float* x, nint ldx, int rows, float* ds, nint lds, float* dw, int count, bool first, byte* pf, nint pfStep) =>
        GradientTile5x16Avx2.Run(x, ldx, rows, ds, lds, dw, count, first, pf, pfStep);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    static float ISvmIsa.SumAcross(float* v) => Vector256.Sum(Vector256.Load(v));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    static void ISvmIsa.SumAcrossWidth(float* v, float* dst) => HorizontalSums8Avx2.Run(v, dst);

    /// <summary>Eight classes per step; the last step uses <c>vmaskmovps</c>, which neither reads nor writes the masked-off lanes.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    static float ISvmIsa.HingeRow(float* s, int label, int classes, float* g, float scale)
    {
        float sy = s[label];
        Vector256<float> vsy = Vector256.Create(sy), one = Vector256<float>.One, zero = Vector256<float>.Zero, vscale = Vector256.Create(scale);
        Vector256<int> labelLane = Vector256.Create(label) - Vector256<int>.Indices;
        Vector256<float> sum = zero, count = zero;
        for (int j = 0; j < classes; j += 8)
        {
            int rest = classes - j;
            Vector256<float> inRow = rest >= 8 ? Vector256<float>.AllBitsSet
                : Vector256.LessThan(Vector256<int>.Indices, Vector256.Create(rest)).AsSingle();
            Vector256<float> v = rest >= 8 ? Vector256.Load(s + j) : Avx.MaskLoad(s + j, inRow);
            Vector256<float> m = (v - vsy) + one;
            Vector256<float> counted = Vector256.AndNot(inRow, Vector256.Equals(labelLane, Vector256.Create(j)).AsSingle());
            Vector256<float> positive = Vector256.GreaterThan(m, zero) & counted;
            Vector256<float> nan = ~Vector256.Equals(m, m) & counted;
            sum += m & (positive | nan);
            count += one & positive;
            if (g != null)
            {
                Vector256<float> grad = vscale & positive;
                if (rest >= 8) grad.Store(g + j);
                else Avx.MaskStore(g + j, inRow, grad);
            }
        }
        if (g != null) g[label] = -(Vector256.Sum(count) * scale);
        return Vector256.Sum(sum);
    }
}
