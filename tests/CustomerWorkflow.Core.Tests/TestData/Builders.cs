using System.Collections.Immutable;
using CustomerWorkflow.Core;
using CustomerWorkflow.Core.Customers;
using CustomerWorkflow.Core.Fields;
using CustomerWorkflow.Core.Proposals;
using CustomerWorkflow.Core.Settings;

namespace CustomerWorkflow.Core.Tests.TestData;

/// <summary>Entry points for test data: <c>A.Customer()</c>, <c>A.Proposal()</c>, <c>A.Settings()</c>.</summary>
internal static class A
{
    public static CustomerBuilder Customer(string id = "US-001") => new(id);

    public static ProposalBuilder Proposal() => new();

    public static SettingsBuilder Settings() => new();

    public static ApprovalStepDefinition Step(string name, CompletionPolicy policy, params string[] approvers) =>
        new(name, approvers, policy);

    public static ApprovalStepDefinition Step(string name, params string[] approvers) =>
        new(name, approvers, CompletionPolicy.SingleApprover);
}

/// <summary>A customer whose every value is valid under the default settings.</summary>
internal sealed class CustomerBuilder(string id)
{
    private readonly Dictionary<string, string> _values = new(StringComparer.OrdinalIgnoreCase)
    {
        [FieldCatalog.Name] = "Contoso Retail",
        [FieldCatalog.CreditLimit] = "1000.00",
        [FieldCatalog.PaymentTerms] = "Net30",
        [FieldCatalog.Email] = "ap@contoso.com",
        [FieldCatalog.Phone] = "+1 425 555 0100",
        [FieldCatalog.Street] = "1 Microsoft Way",
        [FieldCatalog.City] = "Redmond",
        [FieldCatalog.PostalCode] = "98052",
        [FieldCatalog.Country] = "US",
        [FieldCatalog.VatNumber] = string.Empty,
        [FieldCatalog.BankAccount] = string.Empty,
        [FieldCatalog.CustomerGroup] = "Retail",
        [FieldCatalog.Currency] = "USD",
        [FieldCatalog.Blocked] = "No",
    };

    public CustomerBuilder With(string field, string value)
    {
        _values[field] = value;
        return this;
    }

    public Customer Build() => new(id, _values);
}

/// <summary>
/// Settings with approvals on for CreditLimit and PaymentTerms and one single-approver step (ann or bob).
/// </summary>
internal sealed class SettingsBuilder
{
    private WorkflowSettings _settings = new()
    {
        ApprovalsEnabled = true,
        ApprovalFields = ImmutableSortedSet.Create(StringComparer.OrdinalIgnoreCase, FieldCatalog.CreditLimit, FieldCatalog.PaymentTerms),
        Steps = [A.Step("Finance", "ann", "bob")],
    };

    public SettingsBuilder WithSteps(params ApprovalStepDefinition[] steps)
    {
        _settings = _settings with { Steps = [.. steps] };
        return this;
    }

    public SettingsBuilder WithApprovalFields(params string[] fields)
    {
        _settings = _settings with { ApprovalFields = ImmutableSortedSet.Create(StringComparer.OrdinalIgnoreCase, fields) };
        return this;
    }

    public SettingsBuilder ApprovalsOff()
    {
        _settings = _settings with { ApprovalsEnabled = false };
        return this;
    }

    public SettingsBuilder SubmitterMayApprove()
    {
        _settings = _settings with { SubmitterMayApprove = true };
        return this;
    }

    public SettingsBuilder Importing(ImportBehaviour behaviour)
    {
        _settings = _settings with { ImportBehaviour = behaviour };
        return this;
    }

    public WorkflowSettings Build() => _settings;

    public static implicit operator WorkflowSettings(SettingsBuilder builder) => builder.Build();
}

/// <summary>
/// A real proposal aggregate driven into a status by the same actions users take: propose, submit, approve,
/// reject, request change, apply, discard.
/// </summary>
internal sealed class ProposalBuilder
{
    private readonly List<(string Field, string Value)> _lines = [];
    private Customer _customer = A.Customer().Build();
    private Actor _submitter = Users.Clerk;
    private WorkflowSettings _settings = A.Settings();

    public DateTimeOffset Now { get; private set; } = TestClock.Start;

    public Customer Customer => _customer;

    public WorkflowSettings Settings => _settings;

    public ProposalBuilder For(Customer customer)
    {
        _customer = customer;
        return this;
    }

    public ProposalBuilder SubmittedBy(Actor submitter)
    {
        _submitter = submitter;
        return this;
    }

    public ProposalBuilder Under(WorkflowSettings settings)
    {
        _settings = settings;
        return this;
    }

    public ProposalBuilder WithSteps(params ApprovalStepDefinition[] steps) => Under(_settings with { Steps = [.. steps] });

    public ProposalBuilder Proposing(string field, string value)
    {
        _lines.Add((field, value));
        return this;
    }

    public Proposal NotSubmitted()
    {
        var proposal = Core.Proposals.Proposal.Start(_customer.Id, 1, _submitter, Now);
        foreach (var (field, value) in _lines.Count > 0 ? _lines : [(FieldCatalog.CreditLimit, "5000.00")])
        {
            proposal.Propose(field, _customer[field], value, _submitter, Now);
        }

        return proposal;
    }

    public Proposal Pending()
    {
        var proposal = NotSubmitted();
        proposal.Submit(_submitter, Now, null, _settings);
        return proposal;
    }

    /// <summary>Drives a proposal into the status the way users would get it there.</summary>
    public Proposal InStatus(ProposalStatus status)
    {
        Proposal proposal;
        switch (status)
        {
            case ProposalStatus.NotSubmitted:
                return NotSubmitted();
            case ProposalStatus.PendingApproval:
                return Pending();
            case ProposalStatus.ChangeRequested:
                proposal = Pending();
                proposal.RequestChange(FirstDue(proposal), Now, "Please attach the credit check.");
                break;
            case ProposalStatus.Approved:
                proposal = Approved();
                break;
            case ProposalStatus.Applied:
                proposal = Approved();
                proposal.Apply(_customer, Now);
                break;
            case ProposalStatus.Conflict:
                proposal = Approved();
                proposal.Apply(_customer.With(FieldCatalog.CreditLimit, "1.00"), Now);
                break;
            case ProposalStatus.Rejected:
                proposal = Pending();
                proposal.Reject(FirstDue(proposal), Now, "Too risky.");
                break;
            case ProposalStatus.Discarded:
                proposal = NotSubmitted();
                proposal.Discard(_submitter, Now);
                break;
            default:
                throw new ArgumentOutOfRangeException(nameof(status), status, null);
        }

        Assert.Equal(status, proposal.Status);
        return proposal;
    }

    /// <summary>An approver who is due on the waiting step.</summary>
    public static Actor FirstDue(Proposal proposal) => Users.Approver(proposal.DueApprovers[0]);

    private Proposal Approved()
    {
        var proposal = Pending();
        while (proposal.Status == ProposalStatus.PendingApproval)
        {
            proposal.Approve(FirstDue(proposal), Now, null);
        }

        return proposal;
    }
}
