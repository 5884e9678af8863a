using System.Reflection;
using System.Runtime.InteropServices;

namespace CustomerWorkflow.Storage.Sqlite;

/// <summary>
/// Chooses the native SQLite. The bundled e_sqlite3 of SQLitePCLRaw 2.0.6 was built without <c>usleep</c>, so every
/// sleep SQLite takes (a WAL reader retrying while the writer moves the index, the busy handler) lasts a whole second:
/// under concurrent reads and writes that showed as one-second stalls. On Linux the system's libsqlite3 (3.38 or newer,
/// which has JSON built in and sleeps in microseconds) is used instead when present; set
/// <c>CUSTOMERWORKFLOW_BUNDLED_SQLITE=1</c> to keep the bundled one.
/// </summary>
internal static class NativeSqlite
{
    private const int MinimumVersion = 3_038_000;

    /// <summary>Which library was loaded: the system's path, or "bundled".</summary>
    public static string Library { get; private set; } = "bundled";

    public static void Initialize()
    {
        if (OperatingSystem.IsLinux() && Environment.GetEnvironmentVariable("CUSTOMERWORKFLOW_BUNDLED_SQLITE") != "1")
        {
            NativeLibrary.SetDllImportResolver(typeof(SQLitePCL.SQLite3Provider_e_sqlite3).Assembly, Resolve);
        }

        SQLitePCL.Batteries_V2.Init();
    }

    private static IntPtr Resolve(string name, Assembly assembly, DllImportSearchPath? searchPath)
    {
        if (name != "e_sqlite3" || !NativeLibrary.TryLoad("libsqlite3.so.0", out var handle))
        {
            return IntPtr.Zero;
        }

        if (NativeLibrary.TryGetExport(handle, "sqlite3_libversion_number", out var export)
            && Marshal.GetDelegateForFunctionPointer<VersionNumber>(export)() >= MinimumVersion)
        {
            Library = "libsqlite3.so.0";
            return handle;
        }

        NativeLibrary.Free(handle);
        return IntPtr.Zero;
    }

    [UnmanagedFunctionPointer(CallingConvention.Cdecl)]
    private delegate int VersionNumber();
}
