using System.Diagnostics;
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace SimdSoftmax;

/// <summary>
/// Per ISA: a hand-scheduled register tile sized to AVX2's 16 ymm registers (10 accumulators).
/// Backward microkernel of the fused classifier, Avx2: <c>dWᵀ[5 classes][16 columns of D] += Σ_i dS[i][j]·x_i[k..k+16)</c>,
/// the outer-product form of <c>Xᵀ·dS</c> over a row block, in 10 vector accumulators. Per row: 2 loads of X,
/// 5 broadcasts of dS, 10 FMAs.
/// </summary>
/// <remarks>
/// The accumulators live in the packed dWᵀ layout (<see cref="SoftmaxLossFused"/>): the 2 vector blocks of the 5
/// classes are 80 contiguous floats. X is read with masked loads when fewer than 16 columns remain.
/// <para>Each row also prefetches one line of the driver's next row block into L2 (<c>pf</c>, advanced by <c>pfStep</c>,
/// which may be 0), so memory streams in while this block computes; prefetches never fault and never change results.</para>
/// </remarks>
internal static unsafe class GradientTile5x16Avx2
{
    public const int Classes = 5;
    public const int Columns = 16;

    /// <summary>Accumulates <paramref name="rows"/> rows (X from <paramref name="x"/> with stride <paramref name="ldx"/>, dS from <paramref name="ds"/> with stride <paramref name="lds"/>) into <paramref name="dw"/>; when <paramref name="first"/> it is overwritten instead.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Run(float* x, nint ldx, int rows, float* ds, nint lds, float* dw, int count, bool first, byte* pf, nint pfStep)
    {
        Debug.Assert(count > 0 && rows >= 0);
        Vector256<float> a00 = Vector256<float>.Zero, a01 = Vector256<float>.Zero, a10 = Vector256<float>.Zero, a11 = Vector256<float>.Zero, a20 = Vector256<float>.Zero, a21 = Vector256<float>.Zero, a30 = Vector256<float>.Zero, a31 = Vector256<float>.Zero, a40 = Vector256<float>.Zero, a41 = Vector256<float>.Zero;
        if (!first)
        {
            a00 = Vector256.Load(dw + 0);
            a01 = Vector256.Load(dw + 40);
            a10 = Vector256.Load(dw + 8);
            a11 = Vector256.Load(dw + 48);
            a20 = Vector256.Load(dw + 16);
            a21 = Vector256.Load(dw + 56);
            a30 = Vector256.Load(dw + 24);
            a31 = Vector256.Load(dw + 64);
            a40 = Vector256.Load(dw + 32);
            a41 = Vector256.Load(dw + 72);
        }
        if (count >= 16)
        {
            for (int i = 0; i < rows; i++)
            {
                Vector256<float> x0 = Vector256.Load(x + 0);
                Vector256<float> x1 = Vector256.Load(x + 8);
                Vector256<float> b0 = Vector256.Create(ds[0]);
                a00 = Fma.MultiplyAdd(b0, x0, a00);
                a01 = Fma.MultiplyAdd(b0, x1, a01);
                Vector256<float> b1 = Vector256.Create(ds[1]);
                a10 = Fma.MultiplyAdd(b1, x0, a10);
                a11 = Fma.MultiplyAdd(b1, x1, a11);
                Vector256<float> b2 = Vector256.Create(ds[2]);
                a20 = Fma.MultiplyAdd(b2, x0, a20);
                a21 = Fma.MultiplyAdd(b2, x1, a21);
                Vector256<float> b3 = Vector256.Create(ds[3]);
                a30 = Fma.MultiplyAdd(b3, x0, a30);
                a31 = Fma.MultiplyAdd(b3, x1, a31);
                Vector256<float> b4 = Vector256.Create(ds[4]);
                a40 = Fma.MultiplyAdd(b4, x0, a40);
                a41 = Fma.MultiplyAdd(b4, x1, a41);
                Sse.Prefetch1(pf);
                pf += pfStep;
                x += ldx;
                ds += lds;
            }
        }
        else
        {
            Vector256<float> m0 = Vector256.LessThan(Vector256<int>.Indices, Vector256.Create(count - 0)).AsSingle();
            Vector256<float> m1 = Vector256.LessThan(Vector256<int>.Indices, Vector256.Create(count - 8)).AsSingle();
            for (int i = 0; i < rows; i++)
            {
                Vector256<float> x0 = Avx.MaskLoad(x + 0, m0);
                Vector256<float> x1 = Avx.MaskLoad(x + 8, m1);
                Vector256<float> b0 = Vector256.Create(ds[0]);
                a00 = Fma.MultiplyAdd(b0, x0, a00);
                a01 = Fma.MultiplyAdd(b0, x1, a01);
                Vector256<float> b1 = Vector256.Create(ds[1]);
                a10 = Fma.MultiplyAdd(b1, x0, a10);
                a11 = Fma.MultiplyAdd(b1, x1, a11);
                Vector256<float> b2 = Vector256.Create(ds[2]);
                a20 = Fma.MultiplyAdd(b2, x0, a20);
                a21 = Fma.MultiplyAdd(b2, x1, a21);
                Vector256<float> b3 = Vector256.Create(ds[3]);
                a30 = Fma.MultiplyAdd(b3, x0, a30);
                a31 = Fma.MultiplyAdd(b3, x1, a31);
                Vector256<float> b4 = Vector256.Create(ds[4]);
                a40 = Fma.MultiplyAdd(b4, x0, a40);
                a41 = Fma.MultiplyAdd(b4, x1, a41);
                Sse.Prefetch1(pf);
                pf += pfStep;
                x += ldx;
                ds += lds;
            }
        }
        a00.Store(dw + 0);
        a01.Store(dw + 40);
        a10.Store(dw + 8);
        a11.Store(dw + 48);
        a20.Store(dw + 16);
        a21.Store(dw + 56);
        a30.Store(dw + 24);
        a31.Store(dw + 64);
        a40.Store(dw + 32);
        a41.Store(dw + 72);
    }
}
