using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace SimdSoftmax;

/// <summary>Which implementation of a kernel runs.</summary>
public enum KernelPath
{
    /// <summary>The best path this CPU (and the runtime's configuration) supports: <see cref="KernelPaths.Best"/>.</summary>
    Auto = 0,
    /// <summary>The plain-loop reference implementation: the specification every other path is tested against.</summary>
    Scalar = 1,
    /// <summary>256-bit kernels: AVX2 + FMA3.</summary>
    Avx2 = 2,
    /// <summary>512-bit kernels: AVX-512 F/BW/DQ/VL.</summary>
    Avx512 = 3,
}

/// <summary>
/// The one place that asks the CPU what it can run. Every public kernel resolves its
/// <see cref="KernelPath"/> here, so <c>DOTNET_EnableAVX512=0</c> or <c>DOTNET_EnableHWIntrinsic=0</c>
/// change the choice everywhere at once.
/// </summary>
public static class KernelPaths
{
    private static readonly bool s_avx2 = Avx2.IsSupported && Fma.IsSupported && Vector256.IsHardwareAccelerated;
    private static readonly bool s_avx512 = s_avx2 && Avx512F.IsSupported && Avx512BW.IsSupported
        && Avx512DQ.IsSupported && Avx512F.VL.IsSupported && Vector512.IsHardwareAccelerated;
    private static readonly KernelPath[] s_available = BuildAvailable();

    private static KernelPath[] BuildAvailable()
    {
        var list = new List<KernelPath> { KernelPath.Scalar };
        if (s_avx2) list.Add(KernelPath.Avx2);
        if (s_avx512) list.Add(KernelPath.Avx512);
        return list.ToArray();
    }

    /// <summary>The fastest path this process can run: <see cref="KernelPath.Avx512"/>, else <see cref="KernelPath.Avx2"/>, else <see cref="KernelPath.Scalar"/>.</summary>
    public static KernelPath Best => s_avx512 ? KernelPath.Avx512 : s_avx2 ? KernelPath.Avx2 : KernelPath.Scalar;

    /// <summary>Every concrete path this process can run, scalar first.</summary>
    public static IReadOnlyList<KernelPath> Available => s_available;

    /// <summary>Whether <paramref name="path"/> can run here (<see cref="KernelPath.Auto"/> always can).</summary>
    public static bool IsSupported(KernelPath path) => path switch
    {
        KernelPath.Auto or KernelPath.Scalar => true,
        KernelPath.Avx2 => s_avx2,
        KernelPath.Avx512 => s_avx512,
        _ => false,
    };

    /// <summary>Width in floats of the vectors a path works with (1 for scalar).</summary>
    public static int VectorWidth(KernelPath path) => Resolve(path) switch
    {
        KernelPath.Avx2 => Vector256<float>.Count,
        KernelPath.Avx512 => Vector512<float>.Count,
        _ => 1,
    };

    /// <summary>
    /// Turns <see cref="KernelPath.Auto"/> into <see cref="Best"/> and checks an explicit request.
    /// A path the CPU lacks is an error, never silently replaced by another one.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="path"/> is not a defined value.</exception>
    /// <exception cref="PlatformNotSupportedException">The CPU or the runtime's configuration does not provide the path.</exception>
    public static KernelPath Resolve(KernelPath path)
    {
        switch (path)
        {
            case KernelPath.Auto: return Best;
            case KernelPath.Scalar: return KernelPath.Scalar;
            case KernelPath.Avx2:
                if (!s_avx2) throw new PlatformNotSupportedException(
                    "KernelPath.Avx2 needs AVX2 and FMA3, which this CPU or the runtime's configuration (DOTNET_EnableHWIntrinsic, DOTNET_EnableAVX2) does not provide. Use KernelPath.Auto or check KernelPaths.Available.");
                return path;
            case KernelPath.Avx512:
                if (!s_avx512) throw new PlatformNotSupportedException(
                    "KernelPath.Avx512 needs AVX-512 F/BW/DQ/VL, which this CPU or the runtime's configuration (DOTNET_EnableAVX512, DOTNET_EnableHWIntrinsic) does not provide. Use KernelPath.Auto or check KernelPaths.Available.");
                return path;
            default:
                throw new ArgumentOutOfRangeException(nameof(path), path, "Not a defined KernelPath value.");
        }
    }

    /// <summary>A one-line description of the ISA extensions the runtime reports, for <c>simdsoftmax info</c> and benchmark headers.</summary>
    public static string IsaSummary()
    {
        var parts = new List<string>();
        void Add(string name, bool ok) { if (ok) parts.Add(name); }
        Add("SSE4.2", Sse42.IsSupported);
        Add("AVX", Avx.IsSupported);
        Add("AVX2", Avx2.IsSupported);
        Add("FMA", Fma.IsSupported);
        Add("AVX-512F", Avx512F.IsSupported);
        Add("AVX-512BW", Avx512BW.IsSupported);
        Add("AVX-512DQ", Avx512DQ.IsSupported);
        Add("AVX-512VL", Avx512F.VL.IsSupported);
        return parts.Count == 0 ? "(no hardware intrinsics enabled)" : string.Join(' ', parts);
    }
}
