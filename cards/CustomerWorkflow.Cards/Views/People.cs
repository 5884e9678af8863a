namespace CustomerWorkflow.Cards.Views;

/// <summary>A person as cards show them: the name, and the channel id Teams needs to refresh a card for them.</summary>
public sealed record Person(string Id, string Name, string? ChannelId = null);

/// <summary>The people a card mentions, by directory id; an unknown id is shown as it is.</summary>
public sealed class People(IEnumerable<Person> people)
{
    private readonly Dictionary<string, Person> _byId = people.GroupBy(p => p.Id, StringComparer.OrdinalIgnoreCase)
        .ToDictionary(g => g.Key, g => g.First(), StringComparer.OrdinalIgnoreCase);

    public static People None { get; } = new([]);

    public string Name(string id) => _byId.TryGetValue(id, out var person) ? person.Name : id;

    public string? ChannelId(string id) => _byId.TryGetValue(id, out var person) ? person.ChannelId : null;

    public string Names(IEnumerable<string> ids) => string.Join(", ", ids.Select(Name));
}
