using System.Diagnostics;
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace SimdSoftmax;

/// <summary>
/// Per ISA: a hand-scheduled register tile sized to AVX-512's 32 zmm registers (20 accumulators).
/// Backward microkernel of the fused classifier, Avx512: <c>dWᵀ[10 classes][32 columns of D] += Σ_i dS[i][j]·x_i[k..k+32)</c>,
/// the outer-product form of <c>Xᵀ·dS</c> over a row block, in 20 vector accumulators. Per row: 2 loads of X,
/// 10 broadcasts of dS, 20 FMAs.
/// </summary>
/// <remarks>
/// The accumulators live in the packed dWᵀ layout (<see cref="SoftmaxLossFused"/>): the 2 vector blocks of the 10
/// classes are 320 contiguous floats. X is read with masked loads when fewer than 32 columns remain.
/// <para>Each row also prefetches one line of the driver's next row block into L2 (<c>pf</c>, advanced by <c>pfStep</c>,
/// which may be 0), so memory streams in while this block computes; prefetches never fault and never change results.</para>
/// </remarks>
internal static unsafe class GradientTile10x32Avx512
{
    public const int Classes = 10;
    public const int Columns = 32;

    /// <summary>Accumulates <paramref name="rows"/> rows (X from <paramref name="x"/> with stride <paramref name="ldx"/>, dS from <paramref name="ds"/> with stride <paramref name="lds"/>) into <paramref name="dw"/>; when <paramref name="first"/> it is overwritten instead.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Run(float* x, nint ldx, int rows, float* ds, nint lds, float* dw, int count, bool first, byte* pf, nint pfStep)
    {
        Debug.Assert(count > 0 && rows >= 0);
        Vector512<float> a00 = Vector512<float>.Zero, a01 = Vector512<float>.Zero, a10 = Vector512<float>.Zero, a11 = Vector512<float>.Zero, a20 = Vector512<float>.Zero, a21 = Vector512<float>.Zero, a30 = Vector512<float>.Zero, a31 = Vector512<float>.Zero, a40 = Vector512<float>.Zero, a41 = Vector512<float>.Zero, a50 = Vector512<float>.Zero, a51 = Vector512<float>.Zero, a60 = Vector512<float>.Zero, a61 = Vector512<float>.Zero, a70 = Vector512<float>.Zero, a71 = Vector512<float>.Zero, a80 = Vector512<float>.Zero, a81 = Vector512<float>.Zero, a90 = Vector512<float>.Zero, a91 = Vector512<float>.Zero;
        if (!first)
        {
            a00 = Vector512.Load(dw + 0);
            a01 = Vector512.Load(dw + 160);
            a10 = Vector512.Load(dw + 16);
            a11 = Vector512.Load(dw + 176);
            a20 = Vector512.Load(dw + 32);
            a21 = Vector512.Load(dw + 192);
            a30 = Vector512.Load(dw + 48);
            a31 = Vector512.Load(dw + 208);
            a40 = Vector512.Load(dw + 64);
            a41 = Vector512.Load(dw + 224);
            a50 = Vector512.Load(dw + 80);
            a51 = Vector512.Load(dw + 240);
            a60 = Vector512.Load(dw + 96);
            a61 = Vector512.Load(dw + 256);
            a70 = Vector512.Load(dw + 112);
            a71 = Vector512.Load(dw + 272);
            a80 = Vector512.Load(dw + 128);
            a81 = Vector512.Load(dw + 288);
            a90 = Vector512.Load(dw + 144);
            a91 = Vector512.Load(dw + 304);
        }
        if (count >= 32)
        {
            for (int i = 0; i < rows; i++)
            {
                Vector512<float> x0 = Vector512.Load(x + 0);
                Vector512<float> x1 = Vector512.Load(x + 16);
                Vector512<float> b0 = Vector512.Create(ds[0]);
                a00 = Avx512F.FusedMultiplyAdd(b0, x0, a00);
                a01 = Avx512F.FusedMultiplyAdd(b0, x1, a01);
                Vector512<float> b1 = Vector512.Create(ds[1]);
                a10 = Avx512F.FusedMultiplyAdd(b1, x0, a10);
                a11 = Avx512F.FusedMultiplyAdd(b1, x1, a11);
                Vector512<float> b2 = Vector512.Create(ds[2]);
                a20 = Avx512F.FusedMultiplyAdd(b2, x0, a20);
                a21 = Avx512F.FusedMultiplyAdd(b2, x1, a21);
                Vector512<float> b3 = Vector512.Create(ds[3]);
                a30 = Avx512F.FusedMultiplyAdd(b3, x0, a30);
                a31 = Avx512F.FusedMultiplyAdd(b3, x1, a31);
                Vector512<float> b4 = Vector512.Create(ds[4]);
                a40 = Avx512F.FusedMultiplyAdd(b4, x0, a40);
                a41 = Avx512F.FusedMultiplyAdd(b4, x1, a41);
                Vector512<float> b5 = Vector512.Create(ds[5]);
                a50 = Avx512F.FusedMultiplyAdd(b5, x0, a50);
                a51 = Avx512F.FusedMultiplyAdd(b5, x1, a51);
                Vector512<float> b6 = Vector512.Create(ds[6]);
                a60 = Avx512F.FusedMultiplyAdd(b6, x0, a60);
                a61 = Avx512F.FusedMultiplyAdd(b6, x1, a61);
                Vector512<float> b7 = Vector512.Create(ds[7]);
                a70 = Avx512F.FusedMultiplyAdd(b7, x0, a70);
                a71 = Avx512F.FusedMultiplyAdd(b7, x1, a71);
                Vector512<float> b8 = Vector512.Create(ds[8]);
                a80 = Avx512F.FusedMultiplyAdd(b8, x0, a80);
                a81 = Avx512F.FusedMultiplyAdd(b8, x1, a81);
                Vector512<float> b9 = Vector512.Create(ds[9]);
                a90 = Avx512F.FusedMultiplyAdd(b9, x0, a90);
                a91 = Avx512F.FusedMultiplyAdd(b9, x1, a91);
                Sse.Prefetch1(pf);
                pf += pfStep;
                x += ldx;
                ds += lds;
            }
        }
        else
        {
            Vector512<float> m0 = Vector512.LessThan(Vector512<int>.Indices, Vector512.Create(count - 0)).AsSingle();
            Vector512<float> m1 = Vector512.LessThan(Vector512<int>.Indices, Vector512.Create(count - 16)).AsSingle();
            for (int i = 0; i < rows; i++)
            {
                Vector512<float> x0 = Avx512F.MaskLoad(x + 0, m0, Vector512<float>.Zero);
                Vector512<float> x1 = Avx512F.MaskLoad(x + 16, m1, Vector512<float>.Zero);
                Vector512<float> b0 = Vector512.Create(ds[0]);
                a00 = Avx512F.FusedMultiplyAdd(b0, x0, a00);
                a01 = Avx512F.FusedMultiplyAdd(b0, x1, a01);
                Vector512<float> b1 = Vector512.Create(ds[1]);
                a10 = Avx512F.FusedMultiplyAdd(b1, x0, a10);
                a11 = Avx512F.FusedMultiplyAdd(b1, x1, a11);
                Vector512<float> b2 = Vector512.Create(ds[2]);
                a20 = Avx512F.FusedMultiplyAdd(b2, x0, a20);
                a21 = Avx512F.FusedMultiplyAdd(b2, x1, a21);
                Vector512<float> b3 = Vector512.Create(ds[3]);
                a30 = Avx512F.FusedMultiplyAdd(b3, x0, a30);
                a31 = Avx512F.FusedMultiplyAdd(b3, x1, a31);
                Vector512<float> b4 = Vector512.Create(ds[4]);
                a40 = Avx512F.FusedMultiplyAdd(b4, x0, a40);
                a41 = Avx512F.FusedMultiplyAdd(b4, x1, a41);
                Vector512<float> b5 = Vector512.Create(ds[5]);
                a50 = Avx512F.FusedMultiplyAdd(b5, x0, a50);
                a51 = Avx512F.FusedMultiplyAdd(b5, x1, a51);
                Vector512<float> b6 = Vector512.Create(ds[6]);
                a60 = Avx512F.FusedMultiplyAdd(b6, x0, a60);
                a61 = Avx512F.FusedMultiplyAdd(b6, x1, a61);
                Vector512<float> b7 = Vector512.Create(ds[7]);
                a70 = Avx512F.FusedMultiplyAdd(b7, x0, a70);
                a71 = Avx512F.FusedMultiplyAdd(b7, x1, a71);
                Vector512<float> b8 = Vector512.Create(ds[8]);
                a80 = Avx512F.FusedMultiplyAdd(b8, x0, a80);
                a81 = Avx512F.FusedMultiplyAdd(b8, x1, a81);
                Vector512<float> b9 = Vector512.Create(ds[9]);
                a90 = Avx512F.FusedMultiplyAdd(b9, x0, a90);
                a91 = Avx512F.FusedMultiplyAdd(b9, x1, a91);
                Sse.Prefetch1(pf);
                pf += pfStep;
                x += ldx;
                ds += lds;
            }
        }
        a00.Store(dw + 0);
        a01.Store(dw + 160);
        a10.Store(dw + 16);
        a11.Store(dw + 176);
        a20.Store(dw + 32);
        a21.Store(dw + 192);
        a30.Store(dw + 48);
        a31.Store(dw + 208);
        a40.Store(dw + 64);
        a41.Store(dw + 224);
        a50.Store(dw + 80);
        a51.Store(dw + 240);
        a60.Store(dw + 96);
        a61.Store(dw + 256);
        a70.Store(dw + 112);
        a71.Store(dw + 272);
        a80.Store(dw + 128);
        a81.Store(dw + 288);
        a90.Store(dw + 144);
        a91.Store(dw + 304);
    }
}
