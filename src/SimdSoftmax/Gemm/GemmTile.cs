namespace SimdSoftmax;

/// <summary>
/// One entry of a tile registry (<see cref="Tuning.GemmAvx2Tiles"/>, <see cref="Tuning.GemmAvx512Tiles"/>): a register
/// microkernel with its cache blocking and speed weight, and the blocked loop nest specialized for it, reached through a
/// function pointer so a registry line is all the dispatch a new tile needs (one indirect call per thread slab). A tile
/// whose kernel can read A in place (<see cref="IGemmMicrokernelStridedA"/>) also has the pack-B-only nest
/// <see cref="GemmPackedB{TKernel}"/>, which it runs while m and n are at most <see cref="PackedBOnlyUpTo"/>; the two nests
/// give bitwise identical C.
/// </summary>
internal readonly unsafe struct GemmTile
{
    private readonly delegate*<bool, bool, int, int, int, float, float*, nint, float*, nint, float, float*, nint, GemmBlocking, void> _multiply;
    private readonly delegate*<bool, bool, int, int, int, float, float*, nint, float*, nint, float, float*, nint, GemmBlocking, void> _multiplyPackedB;
    private readonly delegate*<int, float*, float*, float*, nint, float, float, void> _kernel;
    private readonly delegate*<int, float*, nint, nint, float*, float*, nint, float, float, void> _kernelStridedA;

    private GemmTile(string name, GemmBlocking blocking, double speed,
        delegate*<bool, bool, int, int, int, float, float*, nint, float*, nint, float, float*, nint, GemmBlocking, void> multiply,
        delegate*<int, float*, float*, float*, nint, float, float, void> kernel,
        int packedBOnlyUpTo = 0, int packedBOnlyUpToTransposedA = 0, double packedBSpeed = 0,
        delegate*<bool, bool, int, int, int, float, float*, nint, float*, nint, float, float*, nint, GemmBlocking, void> multiplyPackedB = null,
        delegate*<int, float*, nint, nint, float*, float*, nint, float, float, void> kernelStridedA = null)
    {
        Name = name;
        Blocking = blocking;
        Speed = speed;
        PackedBOnlyUpTo = packedBOnlyUpTo;
        PackedBOnlyUpToTransposedA = packedBOnlyUpToTransposedA;
        PackedBSpeed = packedBSpeed;
        _multiply = multiply;
        _kernel = kernel;
        _multiplyPackedB = multiplyPackedB;
        _kernelStridedA = kernelStridedA;
    }

    /// <summary>A registry entry for <typeparamref name="TKernel"/> with its block sizes and speed weight (relative to the ISA's first tile).</summary>
    public static GemmTile Of<TKernel>(int mc, int kc, int nc, double speed) where TKernel : IGemmMicrokernel =>
        new(typeof(TKernel).Name, new GemmBlocking(TKernel.MR, TKernel.NR, mc, kc, nc), speed,
            &GemmBlocked<TKernel>.Multiply, &KernelEntry<TKernel>.Run);

    /// <summary>
    /// A registry entry for a kernel that reads A in place: the blocked nest, and the pack-B-only nest while m and n are
    /// at most <paramref name="packedBOnlyUpTo"/> (<paramref name="packedBOnlyUpToTransposedA"/> when A is stored
    /// transposed; 0: never), weighted <paramref name="packedBSpeed"/> there.
    /// </summary>
    public static GemmTile OfStridedA<TKernel>(int mc, int kc, int nc, double speed, int packedBOnlyUpTo, int packedBOnlyUpToTransposedA,
        double packedBSpeed)
        where TKernel : IGemmMicrokernelStridedA =>
        new(typeof(TKernel).Name, new GemmBlocking(TKernel.MR, TKernel.NR, mc, kc, nc), speed,
            &GemmBlocked<TKernel>.Multiply, &KernelEntry<TKernel>.Run,
            packedBOnlyUpTo, packedBOnlyUpToTransposedA, packedBSpeed, &GemmPackedB<TKernel>.Multiply, &StridedAEntry<TKernel>.Run);

    /// <summary>The kernel's type name, e.g. <c>Microkernel8x48Avx512</c>.</summary>
    public string Name { get; }
    public GemmBlocking Blocking { get; }
    public int MR => Blocking.MR;
    public int NR => Blocking.NR;

    /// <summary>Rate on a large problem relative to the ISA's first tile (the weight in <see cref="Choose"/>).</summary>
    public double Speed { get; }

    /// <summary>Largest m and n for which <see cref="Multiply"/> runs the pack-B-only nest (0: this tile has none).</summary>
    public int PackedBOnlyUpTo { get; }

    /// <summary>
    /// The same for A stored transposed, where the kernel's MR-float reads along each stored row of A use part of a
    /// cache line per k step.
    /// </summary>
    public int PackedBOnlyUpToTransposedA { get; }

    /// <summary>The weight in <see cref="Choose"/> where the pack-B-only nest runs (it saves the packing of A).</summary>
    public double PackedBSpeed { get; }

    /// <summary>Whether the kernel reads A in place, so the tile has the pack-B-only nest (<see cref="OfStridedA"/>).</summary>
    public bool IsStridedA => _kernelStridedA != null;

    /// <summary>
    /// The GEMM with this tile and blocking: <see cref="GemmPackedB{TKernel}.Multiply"/> while m and n are at most
    /// <see cref="PackedBOnlyUpTo"/> (<see cref="PackedBOnlyUpToTransposedA"/>), else <see cref="GemmBlocked{TKernel}.Multiply"/>. Both round alike, so a thread slab
    /// may take either.
    /// </summary>
    public void Multiply(bool transA, bool transB, int m, int n, int k, float alpha,
        float* a, nint lda, float* b, nint ldb, float beta, float* c, nint ldc)
    {
        int upTo = transA ? PackedBOnlyUpToTransposedA : PackedBOnlyUpTo;
        if (m <= upTo && n <= upTo)
            _multiplyPackedB(transA, transB, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc, Blocking);
        else
            _multiply(transA, transB, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc, Blocking);
    }

    /// <summary>One nest of the tile whatever the size (<paramref name="packedB"/>: the pack-B-only one), for the tester.</summary>
    public void MultiplyWith(bool packedB, bool transA, bool transB, int m, int n, int k, float alpha,
        float* a, nint lda, float* b, nint ldb, float beta, float* c, nint ldc)
    {
        if (packedB && !IsStridedA) throw new InvalidOperationException($"{Name} reads packed A only.");
        (packedB ? _multiplyPackedB : _multiply)(transA, transB, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc, Blocking);
    }

    /// <summary>The microkernel alone (<see cref="IGemmMicrokernel.Run"/>), for its tester.</summary>
    public void RunKernel(int kc, float* a, float* b, float* c, nint ldc, float alpha, float beta) =>
        _kernel(kc, a, b, c, ldc, alpha, beta);

    /// <summary>The strided-A kernel alone (<see cref="IGemmMicrokernelStridedA.RunStridedA"/>), for its tester.</summary>
    public void RunKernelStridedA(int kc, float* a, nint rsA, nint csA, float* b, float* c, nint ldc, float alpha, float beta)
    {
        if (!IsStridedA) throw new InvalidOperationException($"{Name} reads packed A only.");
        _kernelStridedA(kc, a, rsA, csA, b, c, ldc, alpha, beta);
    }

    /// <summary>
    /// Padded work of an m×n C on this tile, ⌈m/MR⌉·MR·⌈n/NR⌉·NR / (m·n), divided by <see cref="Speed"/> (by
    /// <see cref="PackedBSpeed"/> where the pack-B-only nest runs).
    /// </summary>
    public double Cost(int m, int n)
    {
        int mr = MR, nr = NR;
        double speed = m <= PackedBOnlyUpTo && n <= PackedBOnlyUpTo ? PackedBSpeed : Speed;
        return (double)((m + mr - 1) / mr * mr) * ((n + nr - 1) / nr * nr) / ((double)m * n) / speed;
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

    private static class StridedAEntry<TKernel> where TKernel : IGemmMicrokernelStridedA
    {
        public static void Run(int kc, float* a, nint rsA, nint csA, float* b, float* c, nint ldc, float alpha, float beta) =>
            TKernel.RunStridedA(kc, a, rsA, csA, b, c, ldc, alpha, beta);
    }
}
