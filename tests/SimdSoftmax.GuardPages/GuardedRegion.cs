using System.Diagnostics;
using System.Runtime.InteropServices;

namespace SimdSoftmax.GuardPages;

/// <summary>
/// Memory laid out as <c>[PROT_NONE page][data pages][PROT_NONE page]</c> (as TensorPrimitives' BoundedMemory does).
/// <see cref="Tail"/> hands out a span that ends exactly at the upper guard page; <see cref="Head"/> one that starts
/// right after the lower guard page. A kernel that touches one element outside faults instead of reading garbage.
/// </summary>
internal sealed unsafe partial class GuardedRegion : IDisposable
{
    private const int ProtNone = 0, ProtRead = 1, ProtWrite = 2;
    private const int MapPrivate = 0x02, MapAnonymous = 0x20;

    [LibraryImport("libc", SetLastError = true)]
    private static partial nint mmap(nint addr, nuint length, int prot, int flags, int fd, nint offset);

    [LibraryImport("libc", SetLastError = true)]
    private static partial int mprotect(nint addr, nuint length, int prot);

    [LibraryImport("libc", SetLastError = true)]
    private static partial int munmap(nint addr, nuint length);

    private static readonly int s_page = Environment.SystemPageSize;

    private nint _base;
    private readonly nuint _total;
    private readonly nint _data;
    private readonly int _dataBytes;

    /// <summary>Capacity in 4-byte elements.</summary>
    public int Capacity { get; }

    public GuardedRegion(int capacityElements)
    {
        int pages = Math.Max(1, (int)(((long)capacityElements * 4 + s_page - 1) / s_page));
        _dataBytes = pages * s_page;
        _total = (nuint)((pages + 2) * s_page);
        _base = mmap(0, _total, ProtNone, MapPrivate | MapAnonymous, -1, 0);
        if (_base == -1) throw new InvalidOperationException($"mmap failed: errno {Marshal.GetLastPInvokeError()}");
        _data = _base + s_page;
        Protect(ProtRead | ProtWrite);
        Capacity = _dataBytes / 4;
    }

    private void Protect(int prot)
    {
        if (mprotect(_data, (nuint)_dataBytes, prot) != 0)
            throw new InvalidOperationException($"mprotect failed: errno {Marshal.GetLastPInvokeError()}");
    }

    /// <summary>Makes the data pages read-only: a kernel writing to an input faults.</summary>
    public void ReadOnly() => Protect(ProtRead);

    /// <summary>Makes the data pages writable again.</summary>
    public void ReadWrite() => Protect(ProtRead | ProtWrite);

    /// <summary>Every data element (the whole area between the guards).</summary>
    public Span<float> All => new((void*)_data, Capacity);

    public Span<int> AllInts => new((void*)_data, Capacity);

    /// <summary>Element index where a span of <paramref name="length"/> starts when placed at the tail or head.</summary>
    public int Start(int length, bool tail)
    {
        Debug.Assert(length <= Capacity);
        if (length > Capacity) throw new ArgumentOutOfRangeException(nameof(length), $"{length} > capacity {Capacity}");
        return tail ? Capacity - length : 0;
    }

    /// <summary>A span whose last element is the last one before the upper guard page.</summary>
    public Span<float> Tail(int length) => All.Slice(Start(length, true), length);

    /// <summary>A span whose first element is the first one after the lower guard page.</summary>
    public Span<float> Head(int length) => All.Slice(0, length);

    public Span<float> Place(int length, bool tail) => All.Slice(Start(length, tail), length);

    public Span<int> PlaceInts(int length, bool tail) => AllInts.Slice(Start(length, tail), length);

    public void Dispose()
    {
        if (_base != 0) { munmap(_base, _total); _base = 0; }
    }
}
