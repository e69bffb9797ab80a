using System.Runtime.InteropServices;

namespace SimdSoftmax.Anchors;

/// <summary>
/// The second native anchor: oneDNN's JIT <c>dnnl_sgemm</c> (plain C, row-major, 64-bit dimensions) through
/// <see cref="LibraryImportAttribute"/>. Loaded lazily from the system (Debian <c>libdnnl2</c> 2.x or a 3.x
/// <c>libdnnl.so.3</c>); when absent, <see cref="IsAvailable"/> is false and compare and the benchmarks skip it.
/// oneDNN's softmax is only reachable through its primitive API (engine, stream, memory descriptors whose C layout
/// changed between 2.x and 3.x), so only the GEMM is wrapped.
/// </summary>
public static partial class OneDnn
{
    private const string LibraryName = "dnnl";
    private const string OpenMpName = "gomp-for-dnnl";
    private static readonly string[] s_candidates = ["libdnnl.so.3", "libdnnl.so.2", "libdnnl.so", "dnnl", "dnnl.dll", "libdnnl.dylib"];
    private static readonly IntPtr s_handle, s_openMp;

    static OneDnn()
    {
        NativeResolver.EnsureRegistered();
        s_handle = NativeResolver.LoadFirst(s_candidates);
        NativeResolver.Register(LibraryName, s_handle);
        // The Debian build threads with OpenMP (libgomp); its thread count is set through the OpenMP runtime itself.
        s_openMp = s_handle == IntPtr.Zero ? IntPtr.Zero : NativeResolver.LoadFirst(["libgomp.so.1", "libiomp5.so", "libomp.so.5", "libomp.so"]);
        NativeResolver.Register(OpenMpName, s_openMp);
    }

    /// <summary>Whether a oneDNN shared library with <c>dnnl_sgemm</c> was found on this machine.</summary>
    public static bool IsAvailable => s_handle != IntPtr.Zero && NativeLibrary.TryGetExport(s_handle, "dnnl_sgemm", out _);

    /// <summary>The library's version and CPU runtime ("oneDNN 2.6.3 (omp)"), or null when unavailable.</summary>
    public static unsafe string? Config
    {
        get
        {
            if (!IsAvailable) return null;
            if (!NativeLibrary.TryGetExport(s_handle, "dnnl_version", out _)) return "oneDNN";
            Version* v = dnnl_version();
            string runtime = v->CpuRuntime switch { 1 => "seq", 2 => "omp", 4 => "tbb", 8 => "threadpool", _ => $"runtime {v->CpuRuntime}" };
            return $"oneDNN {v->Major}.{v->Minor}.{v->Patch} ({runtime})";
        }
    }

    /// <summary>
    /// Sets the number of OpenMP threads oneDNN uses for calls made from the calling thread (1 for single-thread
    /// comparisons). No-op when oneDNN or its OpenMP runtime is unavailable.
    /// </summary>
    /// <param name="threads">Thread count, at least 1.</param>
    public static void SetThreads(int threads)
    {
        if (IsAvailable && s_openMp != IntPtr.Zero && NativeLibrary.TryGetExport(s_openMp, "omp_set_num_threads", out _))
            omp_set_num_threads(Math.Max(1, threads));
    }

    /// <summary>
    /// Row-major <c>C = alpha·op(A)·op(B) + beta·C</c> via <c>dnnl_sgemm</c>. Arguments are checked for length like the
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
    /// <exception cref="InvalidOperationException">oneDNN is not available, or it returned an error status.</exception>
    /// <exception cref="ArgumentException">A span is shorter than its dimensions and stride need.</exception>
    public static unsafe void Sgemm(bool transA, bool transB, int m, int n, int k, float alpha,
        ReadOnlySpan<float> a, int lda, ReadOnlySpan<float> b, int ldb, float beta, Span<float> c, int ldc)
    {
        if (!IsAvailable) throw new InvalidOperationException("oneDNN (libdnnl.so) is not installed on this machine.");
        CheckMatrix(a.Length, transA ? k : m, transA ? m : k, lda, nameof(a));
        CheckMatrix(b.Length, transB ? n : k, transB ? k : n, ldb, nameof(b));
        CheckMatrix(c.Length, m, n, ldc, nameof(c));
        int status;
        fixed (float* pa = a)
        fixed (float* pb = b)
        fixed (float* pc = c)
        {
            status = dnnl_sgemm((byte)(transA ? 'T' : 'N'), (byte)(transB ? 'T' : 'N'), m, n, k, alpha, pa, lda, pb, ldb, beta, pc, ldc);
        }
        if (status != 0) throw new InvalidOperationException($"dnnl_sgemm returned status {status}.");
    }

    private static void CheckMatrix(int length, int rows, int cols, int ld, string name)
    {
        if (rows < 0 || cols < 0 || ld < Math.Max(1, cols)) throw new ArgumentException($"Bad dimensions for {name}.", name);
        long need = rows == 0 || cols == 0 ? 0 : (long)(rows - 1) * ld + cols;
        if (length < need) throw new ArgumentException($"{name} holds {length} elements; {need} needed.", name);
    }

    [StructLayout(LayoutKind.Sequential)]
    private struct Version
    {
        public int Major, Minor, Patch;
        public IntPtr Hash;
        public uint CpuRuntime, GpuRuntime;
    }

    [LibraryImport(LibraryName)]
    [UnmanagedCallConv(CallConvs = [typeof(System.Runtime.CompilerServices.CallConvCdecl)])]
    private static unsafe partial int dnnl_sgemm(byte transA, byte transB, long m, long n, long k, float alpha,
        float* a, long lda, float* b, long ldb, float beta, float* c, long ldc);

    [LibraryImport(LibraryName)]
    private static unsafe partial Version* dnnl_version();

    [LibraryImport(OpenMpName)]
    private static partial void omp_set_num_threads(int threads);
}
