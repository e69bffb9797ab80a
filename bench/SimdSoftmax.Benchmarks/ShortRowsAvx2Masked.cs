using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace SimdSoftmax.Benchmarks;

/// <summary>
/// The AVX2 short-row kernels as they were before the plain-store change, kept for the A/B in
/// <c>softmax-sweep ab</c>: every row chunk read and written with vmaskmovps of its real width (8 masked loads and
/// 8 masked stores per 8 columns of a group). Same arithmetic as the library kernels, so results are bitwise equal.
/// </summary>
internal static unsafe class ShortRowsAvx2Masked
{
    private const int Group = 8;

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    [SkipLocalsInit]
    public static void Softmax(float* x, float* y, int rows, int cols, bool log)
    {
        float* buffer = stackalloc float[SoftmaxShortRowsAvx2.TileBufferFloats];
        float* tile = SoftmaxShortRowsAvx2.AlignTile(buffer);
        for (int r0 = 0; r0 < rows; r0 += Group)
        {
            int n = Math.Min(Group, rows - r0);
            nint offset = (nint)r0 * cols;
            Load(x + offset, cols, cols, n, tile);
            Vector256<float> max = SoftmaxShortRowsAvx2.ColumnMax(tile, cols);
            if (log)
            {
                Vector256<float> logSum = LogAtanhSeries.Log(SoftmaxShortRowsAvx2.SumExpMinusMax(tile, cols, max));
                for (int j = 0; j < cols; j++)
                {
                    float* c = tile + j * Group;
                    (Vector256.Load(c) - max - logSum).Store(c);
                }
            }
            else
            {
                Vector256<float> inverse = Vector256<float>.One / SoftmaxShortRowsAvx2.StoreExpMinusMax(tile, cols, max);
                for (int j = 0; j < cols; j++)
                {
                    float* c = tile + j * Group;
                    (Vector256.Load(c) * inverse).Store(c);
                }
            }
            Store(tile, cols, n, y + offset, cols);
        }
    }

    /// <summary>CrossEntropyShortRowsAvx2.Run with the masked transposes (rows a multiple of 8).</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    [SkipLocalsInit]
    public static double CrossEntropy(float* s, int* labels, int rows, int c, int ld, float* g, int ldg, float scale)
    {
        float* buffer = stackalloc float[SoftmaxShortRowsAvx2.TileBufferFloats];
        float* tile = SoftmaxShortRowsAvx2.AlignTile(buffer);
        Vector256<float> vscale = Vector256.Create(scale);
        double total = 0;
        for (int r = 0; r < rows; r += Group)
        {
            Load(s + (nint)r * ld, ld, c, Group, tile);
            Vector256<int> label = Vector256.Load(labels + r);
            Vector256<float> max = SoftmaxShortRowsAvx2.ColumnMax(tile, c);
            Vector256<float> sy = Vector256<float>.Zero;
            for (int j = 0; j < c; j++)
                sy = Vector256.ConditionalSelect(Vector256.Equals(label, Vector256.Create(j)).AsSingle(), Vector256.Load(tile + j * Group), sy);
            SoftmaxShortRowsAvx2.StoreExpMinusMax(tile, c, max);
            Vector256<float> others = Vector256<float>.Zero, ey = Vector256<float>.Zero;
            for (int j = 0; j < c; j++)
            {
                Vector256<float> e = Vector256.Load(tile + j * Group);
                Vector256<float> isY = Vector256.Equals(label, Vector256.Create(j)).AsSingle();
                others += Vector256.AndNot(e, isY);
                ey = Vector256.ConditionalSelect(isY, e, ey);
            }
            Vector256<double> sumLo = Avx.ConvertToVector256Double(others.GetLower()) + Avx.ConvertToVector256Double(ey.GetLower());
            Vector256<double> sumHi = Avx.ConvertToVector256Double(others.GetUpper()) + Avx.ConvertToVector256Double(ey.GetUpper());
            Vector256<double> p4 = sumLo * sumHi;
            Vector128<double> p2 = p4.GetLower() * p4.GetUpper();
            double shift = Vector256.Sum(Avx.ConvertToVector256Double(sy.GetLower()) - Avx.ConvertToVector256Double(max.GetLower())
                + (Avx.ConvertToVector256Double(sy.GetUpper()) - Avx.ConvertToVector256Double(max.GetUpper())));
            total += Math.Log(p2.ToScalar() * p2.GetElement(1)) - shift;
            if (g == null) continue;
            Vector256<float> inv = vscale / (others + ey);
            Vector256<float> gy = -(others * inv);
            for (int j = 0; j < c; j++)
            {
                float* col = tile + j * Group;
                Vector256.ConditionalSelect(Vector256.Equals(label, Vector256.Create(j)).AsSingle(), gy, Vector256.Load(col) * inv).Store(col);
            }
            Store(tile, c, Group, g + (nint)r * ldg, ldg);
        }
        return total;
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void Load(float* x, nint stride, int cols, int rows, float* tile)
    {
        for (int j0 = 0; j0 < cols; j0 += Group)
            Transpose8x8Avx2.LoadRowsToColumns(x + j0, stride, rows, SoftmaxRowKernelsAvx2.TailMask(Math.Min(Group, cols - j0)), tile + j0 * Group);
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void Store(float* tile, int cols, int rows, float* y, nint stride)
    {
        for (int j0 = 0; j0 < cols; j0 += Group)
            Transpose8x8Avx2.StoreColumnsToRows(tile + j0 * Group, y + j0, stride, rows, SoftmaxRowKernelsAvx2.TailMask(Math.Min(Group, cols - j0)));
    }
}
