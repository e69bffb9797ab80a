using System.Runtime.InteropServices;

namespace SimdSoftmax.Anchors;

/// <summary>
/// The native anchor: OpenBLAS <c>cblas_sgemm</c> through <see cref="LibraryImportAttribute"/>.
/// Loaded lazily from the system (Debian <c>libopenblas0-pthread</c>); when absent, <see cref="IsAvailable"/> is false
/// and benchmarks skip it instead of failing.
/// </summary>
public static partial class OpenBlas
{
    private const string LibraryName = "openblas";
    private const int CblasRowMajor = 101, CblasNoTrans = 111, CblasTrans = 112;
    private static readonly string[] s_candidates = ["libopenblas.so.0", "libopenblas.so", "openblas", "libopenblas.dll", "libopenblas.dylib"];
    private static readonly IntPtr s_handle;

    private static IntPtr Load()
    {
        // Unless the user chose a core, pin the Haswell (AVX2+FMA, 256-bit) kernels: the project's Avx2 targets are
        // quoted against them, 256-bit code against 256-bit code. Left alone, OpenBLAS 0.3.21 (DYNAMIC_ARCH) picks by
        // CPUID, and what it picks depends on the machine: on the AMD EPYC Zen 4 (family 25) it takes Cooperlake, its
        // AVX-512 (SkylakeX) kernels. There (1 thread, `gemm-sweep small sizes=all`, medians of 21, two runs minutes
        // apart) Cooperlake / Haswell gave 64³ 109 / 90, 128³ 95 / 99, 256³ 90 / 100, 512³ 96 / 92, 1024³ 91 / 99,
        // 2048³ 94 / 97 GFLOPS: faster only at 64³. On CPUs it does not recognize it falls back to Prescott (SSE3).
        // OPENBLAS_CORETYPE=SkylakeX (or any core) in the environment overrides this, and Config reports the core.
        // The variable must be in the C environment before the library initializes, hence libc setenv
        // (Environment.SetEnvironmentVariable only changes .NET's copy).
        if (OperatingSystem.IsLinux() && Environment.GetEnvironmentVariable("OPENBLAS_CORETYPE") is null)
        {
            try { _ = setenv("OPENBLAS_CORETYPE", "Haswell", 0); }
            catch (DllNotFoundException) { }
            catch (EntryPointNotFoundException) { }
        }
        return NativeResolver.LoadFirst(s_candidates);
    }

    // An explicit static constructor: the handle is registered before any of the imports below can bind.
    static OpenBlas()
    {
        NativeResolver.EnsureRegistered(); // before Load's libc setenv binds
        s_handle = Load();
        NativeResolver.Register(LibraryName, s_handle);
    }

    /// <summary>Whether an OpenBLAS shared library with <c>cblas_sgemm</c> was found on this machine.</summary>
    public static bool IsAvailable => s_handle != IntPtr.Zero && NativeLibrary.TryGetExport(s_handle, "cblas_sgemm", out _);

    /// <summary>The library's configuration string (version, kernel family), or null when unavailable.</summary>
    public static string? Config
    {
        get
        {
            if (!IsAvailable || !NativeLibrary.TryGetExport(s_handle, "openblas_get_config", out _)) return null;
            string? config = Marshal.PtrToStringAnsi(openblas_get_config());
            if (NativeLibrary.TryGetExport(s_handle, "openblas_get_corename", out _))
                config += " core=" + Marshal.PtrToStringAnsi(openblas_get_corename());
            return config;
        }
    }

    /// <summary>Sets the number of threads OpenBLAS uses (1 for single-thread comparisons). No-op when unavailable.</summary>
    /// <param name="threads">Thread count, at least 1.</param>
    public static void SetThreads(int threads)
    {
        if (IsAvailable && NativeLibrary.TryGetExport(s_handle, "openblas_set_num_threads", out _))
            openblas_set_num_threads(Math.Max(1, threads));
    }

    /// <summary>
    /// Row-major <c>C = alpha·op(A)·op(B) + beta·C</c> via <c>cblas_sgemm</c>. Arguments are checked for length like the
    /// library's own <c>Gemm.Multiply</c> so a mistake cannot corrupt memory.
    /// </summary>
    /// <param name="transA">Whether A is stored transposed (k×m).</param>
    /// <param name="transB">Whether B is stored transposed (n×k).</param>
    /// <param name="m">Rows of op(A) and C.</param>
    /// <param name="n">Columns of op(B) and C.</param>
    /// <param name="k">Inner dimension.</param>
    /// <param name="alpha">Scale of the product.</param>
    /// <param name="a">A, row stride <paramref name="lda"/>.</param>
    /// <param name="lda">Row stride of A.</param>
    /// <param name="b">B, row stride <paramref name="ldb"/>.</param>
    /// <param name="ldb">Row stride of B.</param>
    /// <param name="beta">Scale of the existing C.</param>
    /// <param name="c">C, row stride <paramref name="ldc"/>.</param>
    /// <param name="ldc">Row stride of C.</param>
    /// <exception cref="InvalidOperationException">OpenBLAS is not available.</exception>
    /// <exception cref="ArgumentException">A span is shorter than its dimensions and stride need.</exception>
    public static unsafe void Sgemm(bool transA, bool transB, int m, int n, int k, float alpha,
        ReadOnlySpan<float> a, int lda, ReadOnlySpan<float> b, int ldb, float beta, Span<float> c, int ldc)
    {
        if (!IsAvailable) throw new InvalidOperationException("OpenBLAS (libopenblas.so.0) is not installed on this machine.");
        CheckMatrix(a.Length, transA ? k : m, transA ? m : k, lda, nameof(a));
        CheckMatrix(b.Length, transB ? n : k, transB ? k : n, ldb, nameof(b));
        CheckMatrix(c.Length, m, n, ldc, nameof(c));
        fixed (float* pa = a)
        fixed (float* pb = b)
        fixed (float* pc = c)
        {
            cblas_sgemm(CblasRowMajor, transA ? CblasTrans : CblasNoTrans, transB ? CblasTrans : CblasNoTrans,
                m, n, k, alpha, pa, lda, pb, ldb, beta, pc, ldc);
        }
    }

    private static void CheckMatrix(int length, int rows, int cols, int ld, string name)
    {
        if (rows < 0 || cols < 0 || ld < Math.Max(1, cols)) throw new ArgumentException($"Bad dimensions for {name}.", name);
        long need = rows == 0 || cols == 0 ? 0 : (long)(rows - 1) * ld + cols;
        if (length < need) throw new ArgumentException($"{name} holds {length} elements; {need} needed.", name);
    }

    [LibraryImport(LibraryName)]
    [UnmanagedCallConv(CallConvs = [typeof(System.Runtime.CompilerServices.CallConvCdecl)])]
    private static unsafe partial void cblas_sgemm(int order, int transA, int transB, int m, int n, int k, float alpha,
        float* a, int lda, float* b, int ldb, float beta, float* c, int ldc);

    [LibraryImport("libc", StringMarshalling = StringMarshalling.Utf8)]
    private static partial int setenv(string name, string value, int overwrite);

    [LibraryImport(LibraryName)]
    private static partial void openblas_set_num_threads(int threads);

    [LibraryImport(LibraryName)]
    private static partial IntPtr openblas_get_config();

    [LibraryImport(LibraryName)]
    private static partial IntPtr openblas_get_corename();
}
