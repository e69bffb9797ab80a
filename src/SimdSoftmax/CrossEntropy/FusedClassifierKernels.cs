using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

namespace SimdSoftmax;

/// <summary>The per-ISA pieces the fused classifier driver (<see cref="SoftmaxLossFused"/>) is generic over.</summary>
internal unsafe interface IFusedClassifierKernels
{
    /// <summary>The path whose cross-entropy kernel the driver calls on a block of scores.</summary>
    static abstract KernelPath Path { get; }
    /// <summary>Floats per vector.</summary>
    static abstract int Width { get; }
    /// <summary>Classes per microkernel tile; C is padded (with zero weights) to a multiple of it.</summary>
    static abstract int ClassTile { get; }
    /// <summary>
    /// Forward tile: 2 rows × <see cref="ClassTile"/> classes over <paramref name="count"/> columns of D. Each full-vector
    /// step also issues one L2 prefetch at <paramref name="pf"/> and advances it by <paramref name="pfStep"/> (0: stay).
    /// </summary>
    static abstract void Scores(float* x0, float* x1, float* w, int count, float* p, bool first, byte* pf, nint pfStep);
    /// <summary>
    /// Backward tile: <see cref="ClassTile"/> classes × 2 vectors of D, over <paramref name="rows"/> rows; one L2 prefetch
    /// at <paramref name="pf"/> per row, advancing by <paramref name="pfStep"/>.
    /// </summary>
    static abstract void Gradient(float* x, nint ldx, int rows, float* ds, nint lds, float* dw, int count, bool first, byte* pf, nint pfStep);
    /// <summary>Horizontal sum of the vector at <paramref name="v"/>.</summary>
    static abstract float SumAcross(float* v);
    /// <summary>Horizontal sums of the <see cref="Width"/> consecutive vectors at <paramref name="v"/> into <see cref="Width"/> floats at <paramref name="dst"/>.</summary>
    static abstract void SumAcrossWidth(float* v, float* dst);
}

/// <summary>AVX-512: <see cref="ScoresTile2x10Avx512"/> and <see cref="GradientTile10x32Avx512"/>.</summary>
internal readonly unsafe struct FusedClassifierKernelsAvx512 : IFusedClassifierKernels
{
    public static KernelPath Path => KernelPath.Avx512;
    public static int Width => 16;
    public static int ClassTile => ScoresTile2x10Avx512.Classes;
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Scores(float* x0, float* x1, float* w, int count, float* p, bool first, byte* pf, nint pfStep) => ScoresTile2x10Avx512.Run(x0, x1, w, count, p, first, pf, pfStep);
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Gradient(float* x, nint ldx, int rows, float* ds, nint lds, float* dw, int count, bool first, byte* pf, nint pfStep) =>
        GradientTile10x32Avx512.Run(x, ldx, rows, ds, lds, dw, count, first, pf, pfStep);
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static float SumAcross(float* v) => Vector512.Sum(Vector512.Load(v));
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void SumAcrossWidth(float* v, float* dst) => HorizontalSums16Avx512.Run(v, dst);
}

/// <summary>AVX2 + FMA (16 registers): <see cref="ScoresTile2x5Avx2"/> and <see cref="GradientTile5x16Avx2"/>.</summary>
internal readonly unsafe struct FusedClassifierKernelsAvx2 : IFusedClassifierKernels
{
    public static KernelPath Path => KernelPath.Avx2;
    public static int Width => 8;
    public static int ClassTile => ScoresTile2x5Avx2.Classes;
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Scores(float* x0, float* x1, float* w, int count, float* p, bool first, byte* pf, nint pfStep) => ScoresTile2x5Avx2.Run(x0, x1, w, count, p, first, pf, pfStep);
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Gradient(float* x, nint ldx, int rows, float* ds, nint lds, float* dw, int count, bool first, byte* pf, nint pfStep) =>
        GradientTile5x16Avx2.Run(x, ldx, rows, ds, lds, dw, count, first, pf, pfStep);
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static float SumAcross(float* v) => Vector256.Sum(Vector256.Load(v));
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void SumAcrossWidth(float* v, float* dst) => HorizontalSums8Avx2.Run(v, dst);
}
