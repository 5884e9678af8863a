using System.Globalization;
using System.Reflection;
using CustomerWorkflow.Core.Fields;

namespace CustomerWorkflow.Core.Workflows;

/// <summary>
/// The fixed lists a workflow is made from: events, responses, condition operators and templates, each served by
/// code. Built from whatever implementations the host registers (so adding one is one class), and it checks a
/// workflow against them before it is enabled.
/// </summary>
public sealed class WorkflowCatalog
{
    private static readonly Type[] Kinds = [typeof(IWorkflowEvent), typeof(IWorkflowResponse), typeof(IConditionOperator), typeof(IWorkflowTemplate)];

    public WorkflowCatalog(IEnumerable<IWorkflowEvent> events, IEnumerable<IWorkflowResponse> responses, IEnumerable<IConditionOperator> operators, IEnumerable<IWorkflowTemplate> templates)
    {
        Events = Unique(events, e => e.Code, "event");
        Responses = Unique(responses, r => r.Code, "response");
        Operators = Unique(operators, o => o.Code, "condition operator");
        Templates = Unique(templates, t => t.Code, "template");
    }

    /// <summary>The built-in events, responses, operators and templates of this assembly.</summary>
    public static WorkflowCatalog BuiltIn { get; } = FromTypes(ImplementationsIn(typeof(WorkflowCatalog).Assembly));

    public IReadOnlyList<IWorkflowEvent> Events { get; }

    public IReadOnlyList<IWorkflowResponse> Responses { get; }

    public IReadOnlyList<IConditionOperator> Operators { get; }

    public IReadOnlyList<IWorkflowTemplate> Templates { get; }

    /// <summary>
    /// The public concrete classes of an assembly that are events, responses, condition operators or templates and can be
    /// made without arguments: what a host registers to have them all.
    /// </summary>
    public static IReadOnlyList<Type> ImplementationsIn(Assembly assembly)
    {
        ArgumentNullException.ThrowIfNull(assembly);
        return
        [
            .. assembly.GetExportedTypes()
                .Where(t => t is { IsClass: true, IsAbstract: false } && t.GetConstructor(Type.EmptyTypes) is not null && Kinds.Any(k => k.IsAssignableFrom(t)))
                .OrderBy(t => t.FullName, StringComparer.Ordinal),
        ];
    }

    /// <summary>A catalog of one instance of each type.</summary>
    public static WorkflowCatalog FromTypes(IEnumerable<Type> types)
    {
        var instances = types.Select(Activator.CreateInstance).ToList();
        return new WorkflowCatalog(instances.OfType<IWorkflowEvent>(), instances.OfType<IWorkflowResponse>(), instances.OfType<IConditionOperator>(), instances.OfType<IWorkflowTemplate>());
    }

    public IWorkflowEvent? FindEvent(string? code) => Events.FirstOrDefault(e => Same(e.Code, code));

    public IWorkflowResponse? FindResponse(string? code) => Responses.FirstOrDefault(r => Same(r.Code, code));

    public IConditionOperator? FindOperator(string? code) => Operators.FirstOrDefault(o => Same(o.Code, code));

    public IWorkflowTemplate? FindTemplate(string? code) => Templates.FirstOrDefault(t => Same(t.Code, code));

    public IWorkflowEvent Event(string code) => FindEvent(code)
        ?? throw Refuse($"There is no event '{code}'. Events: {string.Join(", ", Events.Select(e => e.Code))}.");

    public IWorkflowResponse Response(string code) => FindResponse(code)
        ?? throw Refuse($"There is no response '{code}'. Responses: {string.Join(", ", Responses.Select(r => r.Code))}.");

    public IConditionOperator Operator(string code) => FindOperator(code)
        ?? throw Refuse($"There is no condition operator '{code}'. Operators: {string.Join(", ", Operators.Select(o => o.Code))}.");

    public IWorkflowTemplate Template(string code) => FindTemplate(code)
        ?? throw Refuse($"There is no template '{code}'. Templates: {string.Join(", ", Templates.Select(t => t.Code))}.");

    /// <summary>
    /// What is wrong with one step as written: unknown codes, a response that can't follow its event, conditions that
    /// don't fit their field. Options that are still missing are left to <see cref="Check"/>, so a step can be built up.
    /// </summary>
    public IReadOnlyList<string> CheckForm(WorkflowStep step, WorkflowDefinition definition)
    {
        ArgumentNullException.ThrowIfNull(step);
        ArgumentNullException.ThrowIfNull(definition);
        var problems = new List<string>();
        var workflowEvent = FindEvent(step.Event);
        var response = FindResponse(step.Response);
        if (workflowEvent is null)
        {
            problems.Add($"there is no event '{step.Event}'");
        }

        if (response is null)
        {
            problems.Add($"there is no response '{step.Response}'");
        }

        if (workflowEvent is not null && response?.CheckEvent(workflowEvent) is { } mismatch)
        {
            problems.Add(mismatch);
        }

        problems.AddRange(step.Conditions.Select(c => CheckCondition(c, definition)).OfType<string>());
        return problems;
    }

    /// <summary>What keeps a condition from being evaluated; null when it is fine.</summary>
    public string? CheckCondition(WorkflowCondition condition, WorkflowDefinition definition)
    {
        ArgumentNullException.ThrowIfNull(condition);
        ArgumentNullException.ThrowIfNull(definition);
        if (FieldCatalog.Find(condition.Field) is not { } field)
        {
            return $"there is no customer field '{condition.Field}'";
        }

        if (FindOperator(condition.Operator) is not { } op)
        {
            return $"there is no condition operator '{condition.Operator}' (operators: {string.Join(", ", Operators.Select(o => o.Code))})";
        }

        if (op.NumericOnly && field is not AmountField)
        {
            return $"'{op.Title}' compares amounts, and {field.Name} is not one";
        }

        if (!op.NeedsValue)
        {
            return condition.Value is null ? null : $"'{op.Title}' takes no value";
        }

        if (string.IsNullOrWhiteSpace(condition.Value))
        {
            return $"'{field.Name} {op.Title}' needs a value to compare with";
        }

        if (WorkflowParameter.ReferenceIn(condition.Value) is { } name)
        {
            return definition.Parameter(name) is { } parameter
                ? (field is AmountField && parameter.Kind != ParameterKind.Amount ? $"{{{name}}} is not an amount" : null)
                : $"there is no parameter {{{name}}}";
        }

        return field is AmountField && ConditionSubject.Number(condition.Value) is null
            ? $"'{condition.Value}' is not an amount like 10000.00"
            : null;
    }

    /// <summary>Everything that keeps a workflow from being enabled; empty when it can run.</summary>
    public IReadOnlyList<string> Check(WorkflowDefinition definition)
    {
        ArgumentNullException.ThrowIfNull(definition);
        var problems = new List<string>();
        if (definition.EntryStep is null)
        {
            problems.Add($"it needs a step on '{WorkflowEvents.ProposalSubmitted}', whose conditions say which proposals it takes");
        }

        var decides = false;
        var lastApproval = (WorkflowStep?)null;
        for (var i = 0; i < definition.Steps.Count; i++)
        {
            var step = definition.Steps[i];
            var label = $"step {i + 1}";
            problems.AddRange(CheckForm(step, definition).Select(p => $"{label}: {p}"));
            if (FindResponse(step.Response) is not { } response)
            {
                continue;
            }

            problems.AddRange(response.Check(step).Select(p => $"{label}: {p}"));
            problems.AddRange(References(step).Where(r => definition.Parameter(r) is not { Value: not null })
                .Select(r => definition.Parameter(r) is null ? $"{label}: there is no parameter {{{r}}}" : $"{label}: {{{r}}} has no value"));
            if (FindEvent(step.Event) is { Kind: WorkflowEventKind.Overdue })
            {
                if (lastApproval is null)
                {
                    problems.Add($"{label}: there is no approval step before it to be overdue");
                }
                else if (lastApproval.Options.DueIn is null)
                {
                    problems.Add($"{label}: the approval step before it has no due time, so it is never overdue");
                }
            }

            if (Same(step.Response, WorkflowResponses.RequestApproval))
            {
                lastApproval = step;
                decides = true;
            }

            decides |= Same(step.Response, WorkflowResponses.ApproveAutomatically) || Same(step.Response, WorkflowResponses.RejectAutomatically);
        }

        if (!decides)
        {
            problems.Add("it neither requests approval nor approves or rejects automatically");
        }

        return [.. problems.Distinct(StringComparer.Ordinal)];
    }

    /// <summary>The parameters a step refers to, in its conditions and options.</summary>
    public static IEnumerable<string> References(WorkflowStep step)
    {
        ArgumentNullException.ThrowIfNull(step);
        var options = step.Options;
        IEnumerable<string?> texts =
        [
            .. step.Conditions.Select(c => c.Value),
            .. options.Approvers?.Members.Select(m => m.Who) ?? [],
            options.EscalateTo,
            .. options.Recipients,
            options.Channel,
        ];
        return texts.Select(WorkflowParameter.ReferenceIn).OfType<string>().Distinct(StringComparer.OrdinalIgnoreCase);
    }

    /// <summary>A workflow as people read it: each step's event, conditions, response and options, named.</summary>
    /// <param name="name">The name of a user id (from the directory).</param>
    public WorkflowView Describe(WorkflowRecord record, int running, Func<string, string> name)
    {
        ArgumentNullException.ThrowIfNull(record);
        ArgumentNullException.ThrowIfNull(name);
        var definition = record.Definition;
        var steps = definition.Steps.Select((step, i) => new WorkflowStepView(
            i + 1,
            step.Name,
            FindEvent(step.Event)?.Title ?? step.Event,
            [.. step.Conditions.Select(c => DescribeCondition(c, definition))],
            FindResponse(step.Response)?.Title ?? step.Response,
            [.. DescribeOptions(step.Options, definition, name)])).ToList();
        var parameters = definition.Parameters.Select(p => new WorkflowParameterView(
            p.Name, p.Description, p.Value is null ? null : p.Kind == ParameterKind.User ? name(p.Value) : p.Value)).ToList();
        return new WorkflowView(record, steps, parameters, running, Check(definition));
    }

    public string DescribeCondition(WorkflowCondition condition, WorkflowDefinition definition)
    {
        ArgumentNullException.ThrowIfNull(condition);
        ArgumentNullException.ThrowIfNull(definition);
        var op = FindOperator(condition.Operator)?.Title ?? condition.Operator;
        var side = condition.Side == ConditionSide.Original ? "original " : string.Empty;
        return condition.Value is null ? $"{side}{condition.Field} {op}" : $"{side}{condition.Field} {op} {Shown(condition.Value, definition, null)}";
    }

    private static IEnumerable<string> DescribeOptions(ResponseOptions options, WorkflowDefinition definition, Func<string, string> name)
    {
        if (options.Approvers is { } approvers)
        {
            yield return "approvers: " + approvers.Type switch
            {
                ApproverType.SpecificUsers => string.Join(", ", approvers.Members.Select(m => Shown(m.Who, definition, name))),
                ApproverType.Group => "a group, in sequence: " + string.Join("; ", approvers.Members.GroupBy(m => m.Sequence).OrderBy(g => g.Key)
                    .Select(g => string.Create(CultureInfo.InvariantCulture, $"{g.Key}: {string.Join(", ", g.Select(m => Shown(m.Who, definition, name)))}"))),
                ApproverType.Manager => "the submitter's manager",
                ApproverType.ApproverChain => string.Create(CultureInfo.InvariantCulture, $"the submitter's approver chain, {approvers.Levels} level{(approvers.Levels == 1 ? string.Empty : "s")} up"),
                _ => "the first manager up the submitter's chain whose approval limit covers the new credit limit",
            };
        }

        if (options.Policy is { } policy)
        {
            yield return $"completion: {policy}";
        }

        if (options.DueIn is { } due)
        {
            yield return $"due in {Duration(due)}";
        }

        if (options.EscalateTo is { } target)
        {
            yield return $"escalate to {Shown(target, definition, name)}";
        }

        if (!options.Recipients.IsEmpty)
        {
            yield return "notify: " + string.Join(", ", options.Recipients.Select(r => Shown(r, definition, name)));
        }

        if (options.Channel is { } channel)
        {
            yield return $"channel: {Shown(channel, definition, null)}";
        }

        if (options.Message is { } message)
        {
            yield return $"message: “{message}”";
        }
    }

    /// <summary>A value as written: a parameter reference with its value, a group, a user by name.</summary>
    private static string Shown(string text, WorkflowDefinition definition, Func<string, string>? name)
    {
        if (WorkflowParameter.ReferenceIn(text) is { } reference)
        {
            var parameter = definition.Parameter(reference);
            var value = parameter?.Value is not { } v ? "not set" : parameter.Kind == ParameterKind.User && name is not null ? name(v) : v;
            return $"{{{reference}}} ({value})";
        }

        if (text.StartsWith(ApproverSpec.GroupPrefix, StringComparison.OrdinalIgnoreCase))
        {
            return "group " + text[ApproverSpec.GroupPrefix.Length..];
        }

        return name is null ? text : name(text);
    }

    /// <summary>A due time in words: whole days, else hours, else minutes.</summary>
    public static string Duration(TimeSpan span) =>
        span.TotalDays >= 1 && span.Ticks % TimeSpan.TicksPerDay == 0 ? Count((int)span.TotalDays, "day")
        : span.Ticks % TimeSpan.TicksPerHour == 0 ? Count((int)span.TotalHours, "hour")
        : Count((int)Math.Ceiling(span.TotalMinutes), "minute");

    private static string Count(int n, string unit) => string.Create(CultureInfo.InvariantCulture, $"{n} {unit}{(n == 1 ? string.Empty : "s")}");

    private static bool Same(string a, string? b) => string.Equals(a, b?.Trim(), StringComparison.OrdinalIgnoreCase);

    private static WorkflowException Refuse(string message) => new(Refusal.InvalidConfiguration, message);

    private static IReadOnlyList<T> Unique<T>(IEnumerable<T> items, Func<T, string> code, string what)
    {
        var list = items.ToList();
        if (list.GroupBy(i => code(i), StringComparer.OrdinalIgnoreCase).FirstOrDefault(g => g.Count() > 1) is { } duplicate)
        {
            throw new ArgumentException($"Two {what}s have the code '{duplicate.Key}'.", nameof(items));
        }

        return list;
    }
}

/// <summary>A workflow as people read it, for <c>workflow show</c> and its card.</summary>
/// <param name="Running">How many open proposals run under it.</param>
/// <param name="Problems">What keeps it from being enabled (empty when it can run).</param>
public sealed record WorkflowView(WorkflowRecord Record, IReadOnlyList<WorkflowStepView> Steps, IReadOnlyList<WorkflowParameterView> Parameters, int Running, IReadOnlyList<string> Problems);

/// <summary>One step in words: "When changes are submitted, if CreditLimit increased: request approval (approvers: …)".</summary>
public sealed record WorkflowStepView(int Number, string? Name, string Event, IReadOnlyList<string> Conditions, string Response, IReadOnlyList<string> Options);

/// <summary>A parameter with its value as shown (a user by name); null when not set.</summary>
public sealed record WorkflowParameterView(string Name, string Description, string? Value);
