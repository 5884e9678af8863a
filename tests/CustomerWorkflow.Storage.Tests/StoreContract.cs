namespace CustomerWorkflow.Storage.Tests;

/// <summary>
/// What every storage contract needs: a fresh store per test, a second instance on the same data (as a second bot
/// instance would open it), and every store opened closed again. An adapter's test class says how to open its store.
/// </summary>
/// <typeparam name="TStore">The port the contract is about.</typeparam>
public abstract class StoreContract<TStore> : IAsyncLifetime
    where TStore : class
{
    private readonly List<IDisposable> _opened = [];

    /// <summary>The store of the test, fresh and initialized.</summary>
    protected TStore Store { get; private set; } = null!;

    /// <summary>Opens a fresh, empty store (initialized).</summary>
    protected abstract Task<TStore> CreateStoreAsync();

    /// <summary>Opens a second instance on the same data, as a second bot instance would.</summary>
    protected abstract Task<TStore> OpenSecondInstanceAsync();

    public virtual async Task InitializeAsync()
    {
        Store = await CreateStoreAsync();
        Track(Store);
    }

    public virtual Task DisposeAsync()
    {
        foreach (var disposable in _opened)
        {
            disposable.Dispose();
        }

        return Task.CompletedTask;
    }

    /// <summary>Closes <paramref name="store"/> with the test's own.</summary>
    protected T Track<T>(T store)
    {
        if (store is IDisposable disposable)
        {
            _opened.Add(disposable);
        }

        return store;
    }
}
