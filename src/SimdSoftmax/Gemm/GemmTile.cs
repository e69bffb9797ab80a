namespace SimdSoftmax;

/// <summary>
/// One entry of a tile registry (<see cref="Tuning.GemmAvx2Tiles"/>, <see cref="Tuning.GemmAvx512Tiles"/>): a register
/// microkernel with its cache blocking and speed weight, and the blocked loop nest specialized for it, reached through a
/// function pointer so a registry line is all the dispatch a new tile needs (one indirect call per thread slab).
/// </summary>
internal readonly unsafe struct GemmTile
{
    private readonly delegate*<bool, bool, int, int, int, float, float*, nint, float*, nint, float, float*, nint, GemmBlocking, void> _multiply;
    private readonly delegate*<int, float*, float*, float*, nint, float, float, void> _kernel;

    private GemmTile(string name, GemmBlocking blocking, double speed,
        delegate*<bool, bool, int, int, int, float, float*, nint, float*, nint, float, float*, nint, GemmBlocking, void> multiply,
        delegate*<int, float*, float*, float*, nint, float, float, void> kernel)
    {
        Name = name;
        Blocking = blocking;
        Speed = speed;
        _multiply = multiply;
        _kernel = kernel;
    }

    /// <summary>A registry entry for <typeparamref name="TKernel"/> with its block sizes and speed weight (relative to the ISA's first tile).</summary>
    public static GemmTile Of<TKernel>(int mc, int kc, int nc, double speed) where TKernel : IGemmMicrokernel =>
        new(typeof(TKernel).Name, new GemmBlocking(TKernel.MR, TKernel.NR, mc, kc, nc), speed,
            &GemmBlocked<TKernel>.Multiply, &KernelEntry<TKernel>.Run);

    /// <summary>The kernel's type name, e.g. <c>Microkernel8x48Avx512</c>.</summary>
    public string Name { get; }
    public GemmBlocking Blocking { get; }
    public int MR => Blocking.MR;
    public int NR => Blocking.NR;

    /// <summary>Rate on a large problem relative to the ISA's first tile (the weight in <see cref="Choose"/>).</summary>
    public double Speed { get; }

    /// <summary>The blocked GEMM with this tile and blocking; see <see cref="GemmBlocked{TKernel}.Multiply"/>.</summary>
    public void Multiply(bool transA, bool transB, int m, int n, int k, float alpha,
        float* a, nint lda, float* b, nint ldb, float beta, float* c, nint ldc) =>
        _multiply(transA, transB, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc, Blocking);

    /// <summary>The microkernel alone (<see cref="IGemmMicrokernel.Run"/>), for its tester.</summary>
    public void RunKernel(int kc, float* a, float* b, float* c, nint ldc, float alpha, float beta) =>
        _kernel(kc, a, b, c, ldc, alpha, beta);

    /// <summary>Padded work of an m×n C on this tile, ⌈m/MR⌉·MR·⌈n/NR⌉·NR / (m·n), divided by <see cref="Speed"/>.</summary>
    public double Cost(int m, int n)
    {
        int mr = MR, nr = NR;
        return (double)((m + mr - 1) / mr * mr) * ((n + nr - 1) / nr * nr) / ((double)m * n) / Speed;
    }

    /// <summary>
    /// The tile of least <see cref="Cost"/> for an m×n C, the earlier entry on a tie. Chosen from the whole problem,
    /// never per thread slab, so the thread count cannot change it.
    /// </summary>
    public static GemmTile Choose(ReadOnlySpan<GemmTile> tiles, int m, int n)
    {
        int best = 0;
        double bestCost = tiles[0].Cost(m, n);
        for (int t = 1; t < tiles.Length; t++)
        {
            double cost = tiles[t].Cost(m, n);
            if (cost < bestCost) (best, bestCost) = (t, cost);
        }
        return tiles[best];
    }

    private static class KernelEntry<TKernel> where TKernel : IGemmMicrokernel
    {
        public static void Run(int kc, float* a, float* b, float* c, nint ldc, float alpha, float beta) =>
            TKernel.Run(kc, a, b, c, ldc, alpha, beta);
    }
}
