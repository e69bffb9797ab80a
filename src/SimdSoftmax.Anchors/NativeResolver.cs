using System.Collections.Concurrent;
using System.Reflection;
using System.Runtime.InteropServices;

namespace SimdSoftmax.Anchors;

/// <summary>
/// The one <see cref="NativeLibrary.SetDllImportResolver"/> of this assembly (the runtime allows one per assembly):
/// each native anchor registers the handle it found under its import name, so OpenBLAS and oneDNN can both be optional.
/// </summary>
internal static class NativeResolver
{
    private static readonly ConcurrentDictionary<string, IntPtr> s_handles = new(StringComparer.Ordinal);

    static NativeResolver()
    {
        try
        {
            NativeLibrary.SetDllImportResolver(typeof(NativeResolver).Assembly, Resolve);
        }
        catch (InvalidOperationException)
        {
            // A resolver is already registered for this assembly; nothing to do.
        }
    }

    /// <summary>Registers the resolver (the static constructor) without routing a name yet.</summary>
    public static void EnsureRegistered() { }

    /// <summary>Routes imports of <paramref name="importName"/> to <paramref name="handle"/> (IntPtr.Zero: not found).</summary>
    public static void Register(string importName, IntPtr handle) => s_handles[importName] = handle;

    /// <summary>The first of <paramref name="candidates"/> the system loader finds, or IntPtr.Zero.</summary>
    public static IntPtr LoadFirst(IEnumerable<string> candidates)
    {
        foreach (string name in candidates)
        {
            if (NativeLibrary.TryLoad(name, out IntPtr handle)) return handle;
        }
        return IntPtr.Zero;
    }

    private static IntPtr Resolve(string libraryName, Assembly assembly, DllImportSearchPath? searchPath) =>
        s_handles.TryGetValue(libraryName, out IntPtr handle) ? handle
        : libraryName == "libc" && NativeLibrary.TryLoad("libc.so.6", out IntPtr libc) ? libc
        : IntPtr.Zero;
}
