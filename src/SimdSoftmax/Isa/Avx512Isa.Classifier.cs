using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace SimdSoftmax;

/// <summary>
/// The fused classifier on AVX-512 (32 registers): <see cref="ScoresTile2x10Avx512"/> and <see cref="GradientTile10x32Avx512"/>.
/// The driver's once-per-call passes (packing Wᵀ, the final dW = partial + reg·W) run 256-bit gathers on both ISAs:
/// they touch each weight once, O(C·D) against the tiles' O(N·C·D), and were not worth a second copy (not measured apart).
/// </summary>
internal readonly unsafe partial struct Avx512Isa : IFusedClassifierKernels, IClassifierFma<Vector512<float>>
{
    public static int ClassifierClassTile => ScoresTile2x10Avx512.Classes;
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void ClassifierScores(float* x0, float* x1, float* w, int count, float* p, bool first, byte* pf, nint pfStep) =>
        ScoresTile2x10Avx512.Run(x0, x1, w, count, p, first, pf, pfStep);
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void ClassifierGradient(float* x, nint ldx, int rows, float* ds, nint lds, float* dw, int count, bool first, byte* pf, nint pfStep) =>
        GradientTile10x32Avx512.Run(x, ldx, rows, ds, lds, dw, count, first, pf, pfStep);
    public static void ClassifierInputGradient(float* ds, nint lds, int rows, int c, float* w, int nVec, float* dx, nint ldx, int d, float* scratch) =>
        InputGradientTile<Avx512Isa, Vector512<float>>.Run(ds, lds, rows, c, ClassifierClassTile, w, nVec, dx, ldx, d, scratch);
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<float> MultiplyAdd(Vector512<float> a, Vector512<float> b, Vector512<float> addend) => Avx512F.FusedMultiplyAdd(a, b, addend);
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static float ClassifierSumAt(float* v) => Vector512.Sum(Vector512.Load(v));
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void ClassifierSumsOfWidth(float* v, float* dst) => HorizontalSums16Avx512.Run(v, dst);
    public static double CrossEntropyRows(float* s, int* labels, int rows, int c, int ld, float* g, int ldg, float scale) =>
        CrossEntropyRows<Avx512Isa, Vector512<float>>.Run(s, labels, rows, c, ld, g, ldg, scale);
    public static double CrossEntropyRow(float* s, int label, int c, float* g, float scale) =>
        CrossEntropyLongRow<Avx512Isa, Vector512<float>>.Row(s, label, c, g, scale);
}
