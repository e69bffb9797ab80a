namespace SimdSoftmax;

/// <summary>
/// Cache block sizes of the blocked GEMM (BLIS names): NC columns of B per packed panel (L3), KC depth per pass, MC rows
/// of A per packed block (L2). <see cref="GemmBlocked{TKernel}"/> is the loop nest that runs them; the values per tile
/// are in the tuning table (<see cref="Tuning.GemmAvx512Tiles"/>). The packing buffers are sized from these values, so
/// no choice of block sizes can make packing write past them.
/// </summary>
internal readonly record struct GemmBlocking
{
    /// <summary>Block sizes for a kernel with an <paramref name="mr"/>×<paramref name="nr"/> register tile.</summary>
    /// <exception cref="ArgumentOutOfRangeException">A size is not positive, MC is not a multiple of MR, NC not a multiple of NR, or a packed buffer would exceed 2³¹ floats.</exception>
    public GemmBlocking(int mr, int nr, int mc, int kc, int nc)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(mr);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(nr);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(mc);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(kc);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(nc);
        // A partial last micro-panel is zero-filled to a whole MR (NR) panel, so MC (NC) must be a multiple of MR (NR)
        // for a full block to fit in MC·KC (KC·NC) floats.
        if (mc % mr != 0) throw new ArgumentOutOfRangeException(nameof(mc), mc, $"MC must be a multiple of MR = {mr}.");
        if (nc % nr != 0) throw new ArgumentOutOfRangeException(nameof(nc), nc, $"NC must be a multiple of NR = {nr}.");
        if ((long)mc * kc > Array.MaxLength / 2 || (long)kc * nc > Array.MaxLength / 2)
            throw new ArgumentOutOfRangeException(nameof(kc), kc, "MC·KC and KC·NC must each stay below 2³⁰ floats.");
        (MR, NR, MC, KC, NC) = (mr, nr, mc, kc, nc);
    }

    /// <summary>Register tile rows and columns the sizes were checked against.</summary>
    public int MR { get; }
    public int NR { get; }

    /// <summary>Rows of A per packed block (a multiple of MR).</summary>
    public int MC { get; }

    /// <summary>Depth per pass over C; the same for every tile of an ISA, so the tile choice never changes a bit.</summary>
    public int KC { get; }

    /// <summary>Columns of B per packed panel (a multiple of NR).</summary>
    public int NC { get; }

    /// <summary>Floats the packed A block needs: ⌈mc/MR⌉·MR·kc ≤ MC·KC for every block.</summary>
    public long PackedAFloats => (long)MC * KC;

    /// <summary>Floats the packed B panel needs: ⌈nc/NR⌉·NR·kc ≤ KC·NC for every panel.</summary>
    public long PackedBFloats => (long)KC * NC;
}
