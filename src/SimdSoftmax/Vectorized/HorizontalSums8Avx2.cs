using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace SimdSoftmax;

/// <summary>
/// Per ISA: the shuffle network of a transposed reduction is specific to the register width.
/// The horizontal sums of 8 consecutive Vector256 partials in one tree (4 + 2 + 1 vector adds, 14 shuffles, one
/// permute into order), the Avx2 counterpart of <see cref="HorizontalSums16Avx512"/>.
/// </summary>
internal static unsafe class HorizontalSums8Avx2
{
    /// <summary>Lane of the tree's last vector that holds the sum of input vector i, read back in input order.</summary>
    private static readonly Vector256<int> Order = ComputeOrder();

    /// <summary><c>dst[i] = Σ lanes of the vector at v + 8·i</c>, for i in 0..7.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Run(float* v, float* dst) =>
        Avx2.PermuteVar8x32(Tree(v), Order).Store(dst);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector256<float> Tree(float* v)
    {
        // Level 1: vector i with i + 4, 128-bit halves folded.
        Vector256<float> u0 = Fold128(Vector256.Load(v + 0 * 8), Vector256.Load(v + 4 * 8));
        Vector256<float> u1 = Fold128(Vector256.Load(v + 1 * 8), Vector256.Load(v + 5 * 8));
        Vector256<float> u2 = Fold128(Vector256.Load(v + 2 * 8), Vector256.Load(v + 6 * 8));
        Vector256<float> u3 = Fold128(Vector256.Load(v + 3 * 8), Vector256.Load(v + 7 * 8));
        // Level 2: 2 partials per vector within each 128-bit block; level 3: one full sum per lane.
        Vector256<float> x0 = Avx.UnpackLow(u0, u2) + Avx.UnpackHigh(u0, u2);
        Vector256<float> x1 = Avx.UnpackLow(u1, u3) + Avx.UnpackHigh(u1, u3);
        return Avx.Shuffle(x0, x1, 0x44) + Avx.Shuffle(x0, x1, 0xEE);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector256<float> Fold128(Vector256<float> a, Vector256<float> b) =>
        Avx.Permute2x128(a, b, 0x20) + Avx.Permute2x128(a, b, 0x31);

    /// <summary>Runs the tree once on vectors whose lanes all equal their index to find where each sum lands.</summary>
    private static Vector256<int> ComputeOrder()
    {
        if (!Avx2.IsSupported) return Vector256<int>.Zero;
        float* probe = stackalloc float[8 * 8];
        for (int i = 0; i < 8; i++)
            for (int l = 0; l < 8; l++) probe[i * 8 + l] = i;
        Vector256<float> sums = Tree(probe);
        int* order = stackalloc int[8];
        for (int lane = 0; lane < 8; lane++) order[(int)(sums.GetElement(lane) / 8)] = lane;
        return Vector256.Load(order);
    }
}
