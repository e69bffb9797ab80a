using System.Diagnostics;
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace SimdSoftmax;

/// <summary>
/// Per ISA: the shuffle network of a transpose is specific to the register width.
/// 8×8 float transposes between rows in memory and a column-major tile, in ymm registers: unpack, shufps,
/// then 128-bit lane swaps (24 shuffles). The masked overloads read and write rows with vmaskmovps of their real
/// width; the unmasked ones move 8 whole floats per row with plain vmovups.
/// </summary>
/// <remarks>
/// vmaskmovps stores are microcoded on AMD (Zen 2/3/4): softmax of rows of 10 with masked row loads and stores ran at
/// 0.50 G el/s (40 MB batch) on a Zen 4 EPYC, 1.46 with plain ones (softmax-sweep ab, interleaved). The short-row kernels use
/// the unmasked forms for rows of 8 or more (see <see cref="SoftmaxShortRowTileAvx2.LoadTransposed(float*, nint, int, int, float*)"/>)
/// and, for shorter rows, masked loads (cheap) but no masked store per row (<see cref="SoftmaxShortRowTileAvx2.StoreTransposedPacked"/>).
/// </remarks>
internal static unsafe class Transpose8x8Avx2
{
    /// <summary>dst[8·k + r] = src[r·stride + k] for the lanes k set in <paramref name="colMask"/> and r &lt; <paramref name="rows"/>; 0 elsewhere.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void LoadRowsToColumns(float* src, nint stride, int rows, Vector256<float> colMask, float* dst) =>
        LoadRowsToColumns<FlagOn>(src, stride, rows, colMask, dst);

    /// <summary>dst[8·k + r] = src[r·stride + k] for k &lt; 8 and r &lt; <paramref name="rows"/>; 0 for the other rows. Reads exactly 8 floats of each of those rows.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void LoadRowsToColumns(float* src, nint stride, int rows, float* dst) =>
        LoadRowsToColumns<FlagOff>(src, stride, rows, default, dst);

    /// <summary>dst[r·stride + k] = src[8·k + r] for r &lt; <paramref name="rows"/> and the lanes k set in <paramref name="colMask"/>; nothing else is written.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void StoreColumnsToRows(float* src, float* dst, nint stride, int rows, Vector256<float> colMask) =>
        StoreColumnsToRows<FlagOn>(src, dst, stride, rows, colMask);

    /// <summary>dst[r·stride + k] = src[8·k + r] for r &lt; <paramref name="rows"/> and k &lt; 8 (8 whole floats per row); nothing else is written.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void StoreColumnsToRows(float* src, float* dst, nint stride, int rows) =>
        StoreColumnsToRows<FlagOff>(src, dst, stride, rows, default);

    /// <summary>t_k[r] = r_r[k]: the 8×8 transpose of eight ymm rows, in registers (unpack, shufps, 128-bit lane swaps: 24 shuffles, fewer when outputs are dead).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void InRegisters(Vector256<float> r0, Vector256<float> r1, Vector256<float> r2, Vector256<float> r3,
        Vector256<float> r4, Vector256<float> r5, Vector256<float> r6, Vector256<float> r7,
        out Vector256<float> t0, out Vector256<float> t1, out Vector256<float> t2, out Vector256<float> t3,
        out Vector256<float> t4, out Vector256<float> t5, out Vector256<float> t6, out Vector256<float> t7)
    {
        Vector256<float> u0 = Avx.UnpackLow(r0, r1), u1 = Avx.UnpackHigh(r0, r1);
        Vector256<float> u2 = Avx.UnpackLow(r2, r3), u3 = Avx.UnpackHigh(r2, r3);
        Vector256<float> u4 = Avx.UnpackLow(r4, r5), u5 = Avx.UnpackHigh(r4, r5);
        Vector256<float> u6 = Avx.UnpackLow(r6, r7), u7 = Avx.UnpackHigh(r6, r7);
        Vector256<float> v0 = Avx.Shuffle(u0, u2, 0x44), v1 = Avx.Shuffle(u0, u2, 0xEE), v2 = Avx.Shuffle(u1, u3, 0x44), v3 = Avx.Shuffle(u1, u3, 0xEE);
        Vector256<float> v4 = Avx.Shuffle(u4, u6, 0x44), v5 = Avx.Shuffle(u4, u6, 0xEE), v6 = Avx.Shuffle(u5, u7, 0x44), v7 = Avx.Shuffle(u5, u7, 0xEE);
        t0 = Avx.Permute2x128(v0, v4, 0x20); t4 = Avx.Permute2x128(v0, v4, 0x31);
        t1 = Avx.Permute2x128(v1, v5, 0x20); t5 = Avx.Permute2x128(v1, v5, 0x31);
        t2 = Avx.Permute2x128(v2, v6, 0x20); t6 = Avx.Permute2x128(v2, v6, 0x31);
        t3 = Avx.Permute2x128(v3, v7, 0x20); t7 = Avx.Permute2x128(v3, v7, 0x31);
    }

    /// <summary>One body for both forms: <typeparamref name="TMasked"/> reads rows with vmaskmovps of <paramref name="colMask"/>, else 8 whole floats.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void LoadRowsToColumns<TMasked>(float* src, nint stride, int rows, Vector256<float> colMask, float* dst) where TMasked : struct, ICompileTimeFlag
    {
        Debug.Assert(rows is >= 1 and <= 8);
        Vector256<float> r0 = 0 < rows ? LoadRow<TMasked>(src + 0 * stride, colMask) : Vector256<float>.Zero;
        Vector256<float> r1 = 1 < rows ? LoadRow<TMasked>(src + 1 * stride, colMask) : Vector256<float>.Zero;
        Vector256<float> r2 = 2 < rows ? LoadRow<TMasked>(src + 2 * stride, colMask) : Vector256<float>.Zero;
        Vector256<float> r3 = 3 < rows ? LoadRow<TMasked>(src + 3 * stride, colMask) : Vector256<float>.Zero;
        Vector256<float> r4 = 4 < rows ? LoadRow<TMasked>(src + 4 * stride, colMask) : Vector256<float>.Zero;
        Vector256<float> r5 = 5 < rows ? LoadRow<TMasked>(src + 5 * stride, colMask) : Vector256<float>.Zero;
        Vector256<float> r6 = 6 < rows ? LoadRow<TMasked>(src + 6 * stride, colMask) : Vector256<float>.Zero;
        Vector256<float> r7 = 7 < rows ? LoadRow<TMasked>(src + 7 * stride, colMask) : Vector256<float>.Zero;
        InRegisters(r0, r1, r2, r3, r4, r5, r6, r7, out var t0, out var t1, out var t2, out var t3, out var t4, out var t5, out var t6, out var t7);
        t0.Store(dst + 0);
        t1.Store(dst + 8);
        t2.Store(dst + 16);
        t3.Store(dst + 24);
        t4.Store(dst + 32);
        t5.Store(dst + 40);
        t6.Store(dst + 48);
        t7.Store(dst + 56);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void StoreColumnsToRows<TMasked>(float* src, float* dst, nint stride, int rows, Vector256<float> colMask) where TMasked : struct, ICompileTimeFlag
    {
        Debug.Assert(rows is >= 1 and <= 8);
        Vector256<float> r0 = Vector256.Load(src + 0);
        Vector256<float> r1 = Vector256.Load(src + 8);
        Vector256<float> r2 = Vector256.Load(src + 16);
        Vector256<float> r3 = Vector256.Load(src + 24);
        Vector256<float> r4 = Vector256.Load(src + 32);
        Vector256<float> r5 = Vector256.Load(src + 40);
        Vector256<float> r6 = Vector256.Load(src + 48);
        Vector256<float> r7 = Vector256.Load(src + 56);
        InRegisters(r0, r1, r2, r3, r4, r5, r6, r7, out var t0, out var t1, out var t2, out var t3, out var t4, out var t5, out var t6, out var t7);
        if (0 < rows) StoreRow<TMasked>(dst + 0 * stride, colMask, t0);
        if (1 < rows) StoreRow<TMasked>(dst + 1 * stride, colMask, t1);
        if (2 < rows) StoreRow<TMasked>(dst + 2 * stride, colMask, t2);
        if (3 < rows) StoreRow<TMasked>(dst + 3 * stride, colMask, t3);
        if (4 < rows) StoreRow<TMasked>(dst + 4 * stride, colMask, t4);
        if (5 < rows) StoreRow<TMasked>(dst + 5 * stride, colMask, t5);
        if (6 < rows) StoreRow<TMasked>(dst + 6 * stride, colMask, t6);
        if (7 < rows) StoreRow<TMasked>(dst + 7 * stride, colMask, t7);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector256<float> LoadRow<TMasked>(float* p, Vector256<float> colMask) where TMasked : struct, ICompileTimeFlag =>
        TMasked.Value ? Avx.MaskLoad(p, colMask) : Vector256.Load(p);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void StoreRow<TMasked>(float* p, Vector256<float> colMask, Vector256<float> v) where TMasked : struct, ICompileTimeFlag
    {
        if (TMasked.Value) Avx.MaskStore(p, colMask, v);
        else v.Store(p);
    }
}
