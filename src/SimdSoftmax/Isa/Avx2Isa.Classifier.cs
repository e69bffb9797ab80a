using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace SimdSoftmax;

/// <summary>The fused classifier on AVX2 + FMA (16 registers): <see cref="ScoresTile2x5Avx2"/>, <see cref="GradientTile5x16Avx2"/> and the generic <see cref="InputGradientTile{TIsa, V}"/>.</summary>
internal readonly unsafe partial struct Avx2Isa : IFusedClassifierKernels, IClassifierFma<Vector256<float>>
{
    public static int ClassifierClassTile => ScoresTile2x5Avx2.Classes;
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void ClassifierScores(float* x0, float* x1, float* w, int count, float* p, bool first, byte* pf, nint pfStep) =>
        ScoresTile2x5Avx2.Run(x0, x1, w, count, p, first, pf, pfStep);
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void ClassifierGradient(float* x, nint ldx, int rows, float* ds, nint lds, float* dw, int count, bool first, byte* pf, nint pfStep) =>
        GradientTile5x16Avx2.Run(x, ldx, rows, ds, lds, dw, count, first, pf, pfStep);
    public static void ClassifierInputGradient(float* ds, nint lds, int rows, int c, float* w, int nVec, float* dx, nint ldx, int d, float* scratch) =>
        InputGradientTile<Avx2Isa, Vector256<float>>.Run(ds, lds, rows, c, ClassifierClassTile, w, nVec, dx, ldx, d, scratch);
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<float> MultiplyAdd(Vector256<float> a, Vector256<float> b, Vector256<float> addend) => Fma.MultiplyAdd(a, b, addend);
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static float ClassifierSumAt(float* v) => Vector256.Sum(Vector256.Load(v));
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void ClassifierSumsOfWidth(float* v, float* dst) => HorizontalSums8Avx2.Run(v, dst);
    public static double CrossEntropyRows(float* s, int* labels, int rows, int c, int ld, float* g, int ldg, float scale) =>
        CrossEntropyRows<Avx2Isa, Vector256<float>>.Run(s, labels, rows, c, ld, g, ldg, scale);
    public static double CrossEntropyRow(float* s, int label, int c, float* g, float scale) =>
        CrossEntropyLongRow<Avx2Isa, Vector256<float>>.Row(s, label, c, g, scale);
}
