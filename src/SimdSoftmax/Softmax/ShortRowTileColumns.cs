using System.Runtime.CompilerServices;

namespace SimdSoftmax;

/// <summary>
/// The column work of the transposed short-row kernels, written once over the ISA's vector operations: a tile holds a
/// group of <c>W</c> rows column-major (column j is the vector at tile + W·j, lane r = element (r, j)), so every
/// per-row reduction is a vertical operation on whole vectors and each returns one value per row in the lanes of a
/// vector. Each ISA's tile kernel keeps only its transposes into and out of the tile.
/// </summary>
internal static unsafe class ShortRowTileColumns<T, V> where T : struct, IVectorOps<V> where V : struct
{
    /// <summary>Per-row maximum of the tile (lane r = max of row r), never NaN (see <see cref="SoftmaxLongRowKernels{T, V}"/>).</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static V ColumnMax(float* tile, int cols)
    {
        int w = T.Width;
        V m0 = T.Create(float.NegativeInfinity), m1 = m0;
        int j = 0;
        for (; j + 1 < cols; j += 2)
        {
            m0 = T.Max(T.Load(tile + j * w), m0);
            m1 = T.Max(T.Load(tile + (j + 1) * w), m1);
        }
        if (j < cols) m0 = T.Max(T.Load(tile + j * w), m0);
        return T.Max(m0, m1);
    }

    /// <summary>Per-row Σ exp(x − max), overwriting each column with its exponentials.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static V StoreExpMinusMax(float* tile, int cols, V max) => ExpMinusMax(tile, cols, max, store: true);

    /// <summary>Per-row Σ exp(x − max); the tile is left as it is.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static V SumExpMinusMax(float* tile, int cols, V max) => ExpMinusMax(tile, cols, max, store: false);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static V ExpMinusMax(float* tile, int cols, V max, bool store)
    {
        int w = T.Width;
        V s0 = T.Zero, s1 = s0;
        int j = 0;
        for (; j + 1 < cols; j += 2)
        {
            float* c = tile + j * w;
            V e0 = T.Exp(T.Subtract(T.Load(c), max));
            V e1 = T.Exp(T.Subtract(T.Load(c + w), max));
            if (store) { T.Store(e0, c); T.Store(e1, c + w); }
            s0 = T.Add(s0, e0); s1 = T.Add(s1, e1);
        }
        if (j < cols)
        {
            float* c = tile + j * w;
            V e = T.Exp(T.Subtract(T.Load(c), max));
            if (store) T.Store(e, c);
            s0 = T.Add(s0, e);
        }
        return T.Add(s0, s1);
    }

    /// <summary>
    /// Softmax of every row of the tile in place: (x − max) − log Σ for log-softmax, exp(x − max) · (1/Σ) otherwise.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Softmax(float* tile, int cols, bool log)
    {
        int w = T.Width;
        V max = ColumnMax(tile, cols);
        if (log)
        {
            V logSum = T.Log(SumExpMinusMax(tile, cols, max));
            for (int j = 0; j < cols; j++)
            {
                float* c = tile + j * w;
                T.Store(T.Subtract(T.Subtract(T.Load(c), max), logSum), c);
            }
        }
        else
        {
            V inverse = T.Divide(T.Create(1f), StoreExpMinusMax(tile, cols, max));
            for (int j = 0; j < cols; j++)
            {
                float* c = tile + j * w;
                T.Store(T.Multiply(T.Load(c), inverse), c);
            }
        }
    }
}
