using Azure.Data.Tables;
using NightSafe.Core.Intake.Parsing;
using NightSafe.Core.Nights;
using NightSafe.Core.Ports;
using NightSafe.Core.References;
using NightSafe.Core.Referrals;
using NightSafe.Core.World;
using NightSafe.Integrations.Storage;

namespace NightSafe.Integrations.Tests.Storage;

[Collection(AzuriteGroup.Name)]
public sealed class TableReferralStoreTests(AzuriteFixture azurite) : ReferralStoreTests(azurite)
{
    [Fact]
    public async Task A_created_referral_reads_back_with_every_field()
    {
        var night = StorageTestBed.UniqueNight();
        var referral = StorageTestBed.Referral(night) with
        {
            Source = ReferralSource.Api,
            Status = ReferralStatus.InProgress,
            Flagged = true,
            Advice = AdviceState.Failed,
            AdviceMessageId = "SM0123456789abcdef0123456789abcdef",
            AdviceError = "21614",
            RoutedAt = T0.AddMinutes(1),
            ClosedAt = T0.AddMinutes(30),
            ErasedAt = T0.AddDays(31),
            Consent = Consent.Refused,
            Priority = Priority.Normal,
        };

        Assert.True(await Store.TryCreateAsync(referral, [StorageTestBed.Event(T0, ReferralEventKinds.Received)], Ct));
        var stored = await Store.FindAsync(night, referral.Reference, Ct);

        Assert.NotNull(stored);
        Assert.False(string.IsNullOrEmpty(stored.Version));
        AssertSame(referral, stored.Value);
    }

    [Fact]
    public async Task Optional_fields_left_empty_read_back_empty()
    {
        var night = StorageTestBed.UniqueNight();
        var referral = StorageTestBed.Referral(night) with
        {
            Location = null,
            Description = null,
            SubjectPhone = null,
            Officer = null,
            TraceParent = null,
            Categories = [new CategoryId("disorder")],
            Consent = Consent.NotStated,
        };

        Assert.True(await Store.TryCreateAsync(referral, [], Ct));

        AssertSame(referral, (await Store.FindAsync(night, referral.Reference, Ct))!.Value);
    }

    [Fact]
    public async Task A_reference_taken_that_night_is_refused_and_the_first_referral_kept()
    {
        var night = StorageTestBed.UniqueNight();
        var first = StorageTestBed.Referral(night);
        var second = first with { Location = "somewhere else", TownId = new TownId("harlow") };

        Assert.True(await Store.TryCreateAsync(first, [StorageTestBed.Event(T0, ReferralEventKinds.Received)], Ct));
        Assert.False(await Store.TryCreateAsync(second, [StorageTestBed.Event(T0.AddSeconds(1), ReferralEventKinds.Received, ("source", "second"))], Ct));

        var stored = await Store.FindAsync(night, first.Reference, Ct);
        Assert.Equal("chelmsford", stored!.Value.TownId.Value);
        var trail = await Store.TrailAsync(night, first.Reference, Ct);
        Assert.Single(trail);

        // The same reference on another night is another referral.
        Assert.True(await Store.TryCreateAsync(first with { Night = night.Next }, [], Ct));
    }

    [Fact]
    public async Task A_change_on_a_stale_version_is_a_conflict_and_writes_nothing()
    {
        var night = StorageTestBed.UniqueNight();
        var referral = StorageTestBed.Referral(night);
        await Store.TryCreateAsync(referral, [StorageTestBed.Event(T0, ReferralEventKinds.Received)], Ct);
        var read = (await Store.FindAsync(night, referral.Reference, Ct))!;

        await Store.SaveAsync(
            new ReferralChange(night, referral.Reference)
            {
                Referral = read.Value with { Status = ReferralStatus.Routed, RoutedAt = T0.AddMinutes(1) },
                ReferralVersion = read.Version,
                Events = [StorageTestBed.Event(T0.AddMinutes(1), ReferralEventKinds.Routed)],
            },
            Ct);

        var stale = new ReferralChange(night, referral.Reference)
        {
            Referral = read.Value with { Status = ReferralStatus.Closed, ClosedAt = T0.AddMinutes(2) },
            ReferralVersion = read.Version,
            Cases = [(Case(night, referral.Reference, "street-pastors-chelmsford"), null)],
            Events = [StorageTestBed.Event(T0.AddMinutes(2), ReferralEventKinds.Closed), StorageTestBed.Event(T0.AddMinutes(2), ReferralEventKinds.Disclosed)],
        };

        await Assert.ThrowsAsync<ConcurrencyConflictException>(() => Store.SaveAsync(stale, Ct));

        var now = (await Store.FindAsync(night, referral.Reference, Ct))!.Value;
        Assert.Equal(ReferralStatus.Routed, now.Status);
        Assert.Null(now.ClosedAt);
        Assert.Empty(await Store.CasesAsync(night, referral.Reference, Ct));
        Assert.Equal([ReferralEventKinds.Received, ReferralEventKinds.Routed], (await Store.TrailAsync(night, referral.Reference, Ct)).Select(e => e.Kind));
    }

    [Fact]
    public async Task A_saved_referral_comes_back_with_its_new_version_and_the_next_write_at_it_needs_no_read()
    {
        var night = StorageTestBed.UniqueNight();
        var referral = StorageTestBed.Referral(night);
        await Store.TryCreateAsync(referral, [StorageTestBed.Event(T0, ReferralEventKinds.Received)], Ct);
        var read = (await Store.FindAsync(night, referral.Reference, Ct))!;

        var version = await Store.SaveAsync(
            new ReferralChange(night, referral.Reference)
            {
                Referral = read.Value with { Status = ReferralStatus.Routed, RoutedAt = T0.AddMinutes(1) },
                ReferralVersion = read.Version,
                Cases = [(Case(night, referral.Reference, "street-pastors-chelmsford"), null)],
                Events = [StorageTestBed.Event(T0.AddMinutes(1), ReferralEventKinds.Routed)],
            },
            Ct);

        Assert.NotNull(version);
        Assert.NotEqual(read.Version, version);
        Assert.Equal((await Store.FindAsync(night, referral.Reference, Ct))!.Version, version);
        var next = await Store.SaveAsync(
            new ReferralChange(night, referral.Reference)
            {
                Referral = read.Value with { Status = ReferralStatus.Closed, ClosedAt = T0.AddMinutes(2) },
                ReferralVersion = version,
            },
            Ct);
        Assert.Equal((await Store.FindAsync(night, referral.Reference, Ct))!.Version, next);
        Assert.Equal(ReferralStatus.Closed, (await Store.FindAsync(night, referral.Reference, Ct))!.Value.Status);

        // A change that leaves the referral row alone has no version to give.
        Assert.Null(await Store.SaveAsync(new ReferralChange(night, referral.Reference) { Events = [StorageTestBed.Event(T0.AddMinutes(3), ReferralEventKinds.Closed)] }, Ct));
    }

    [Fact]
    public async Task A_new_case_that_exists_already_is_a_conflict_and_its_events_are_not_written()
    {
        var night = StorageTestBed.UniqueNight();
        var referral = StorageTestBed.Referral(night);
        await Store.TryCreateAsync(referral, [], Ct);
        var partnerCase = Case(night, referral.Reference, "da-survivors-essex");
        await Store.SaveAsync(new ReferralChange(night, referral.Reference) { Cases = [(partnerCase, null)] }, Ct);

        var again = new ReferralChange(night, referral.Reference)
        {
            Cases = [(partnerCase with { View = "{\"second\":true}" }, null)],
            Events = [StorageTestBed.Event(T0, ReferralEventKinds.Disclosed)],
        };

        await Assert.ThrowsAsync<ConcurrencyConflictException>(() => Store.SaveAsync(again, Ct));
        Assert.Empty(await Store.TrailAsync(night, referral.Reference, Ct));
        Assert.Equal(partnerCase.View, (await Store.FindCaseAsync(night, referral.Reference, new AgencyId("da-survivors-essex"), Ct))!.Value.View);
    }

    [Fact]
    public async Task Cases_update_on_their_version_and_a_stale_case_version_conflicts()
    {
        var night = StorageTestBed.UniqueNight();
        var referral = StorageTestBed.Referral(night);
        await Store.TryCreateAsync(referral, [], Ct);
        await Store.SaveAsync(
            new ReferralChange(night, referral.Reference)
            {
                Cases = [(Case(night, referral.Reference, "street-pastors-chelmsford"), null), (Case(night, referral.Reference, "community-safety-chelmsford"), null)],
            },
            Ct);

        var read = (await Store.FindCaseAsync(night, referral.Reference, new AgencyId("street-pastors-chelmsford"), Ct))!;
        var accepted = read.Value with { Status = CaseStatus.Accepted, AcceptedAt = T0.AddMinutes(4), UpdatedAt = T0.AddMinutes(4) };
        await Store.SaveAsync(new ReferralChange(night, referral.Reference) { Cases = [(accepted, read.Version)] }, Ct);

        var cases = await Store.CasesAsync(night, referral.Reference, Ct);
        Assert.Equal(["community-safety-chelmsford", "street-pastors-chelmsford"], cases.Select(c => c.Value.AgencyId).Values());
        var updated = cases.Single(c => c.Value.AgencyId == new AgencyId("street-pastors-chelmsford")).Value;
        Assert.Equal(CaseStatus.Accepted, updated.Status);
        Assert.Equal(T0.AddMinutes(4), updated.AcceptedAt);
        Assert.Equal(["reference", "location", "description"], updated.Fields);
        Assert.Equal(read.Value.View, updated.View);

        var stale = read.Value with { Status = CaseStatus.Declined };
        await Assert.ThrowsAsync<ConcurrencyConflictException>(
            () => Store.SaveAsync(new ReferralChange(night, referral.Reference) { Cases = [(stale, read.Version)] }, Ct));
        Assert.Equal(CaseStatus.Accepted, (await Store.FindCaseAsync(night, referral.Reference, new AgencyId("street-pastors-chelmsford"), Ct))!.Value.Status);
    }

    [Fact]
    public async Task A_withheld_case_reads_back_withheld_and_the_agencys_own_reads_leave_it_out()
    {
        var night = StorageTestBed.UniqueNight();
        var referral = StorageTestBed.Referral(night);
        var pastors = new AgencyId("street-pastors-chelmsford");
        await Store.TryCreateAsync(referral, [], Ct);
        await Store.SaveAsync(new ReferralChange(night, referral.Reference) { Cases = [(Case(night, referral.Reference, pastors.Value), null)] }, Ct);
        var read = (await Store.FindCaseAsync(night, referral.Reference, pastors, Ct))!;

        await Store.SaveAsync(new ReferralChange(night, referral.Reference) { Cases = [(read.Value with { WithheldAt = T0.AddMinutes(1) }, read.Version)] }, Ct);

        Assert.Equal(T0.AddMinutes(1), (await Store.FindCaseAsync(night, referral.Reference, pastors, Ct))!.Value.WithheldAt);
        Assert.Single(await Store.CasesForAgencyAsync(night, pastors, Ct));
        Assert.Empty(await Store.AgencysCasesAsync(night, pastors, Ct));
        Assert.Null(await Store.AgencysCaseAsync(night, referral.Reference, pastors, Ct));
    }

    [Fact]
    public async Task The_trail_is_in_time_order_and_events_of_one_instant_keep_their_order()
    {
        var night = StorageTestBed.UniqueNight();
        var referral = StorageTestBed.Referral(night);
        await Store.TryCreateAsync(referral, [StorageTestBed.Event(T0, ReferralEventKinds.Received, ("source", "sms"))], Ct);

        // Appended later but stamped earlier than the routing below: time decides, not arrival.
        await Store.SaveAsync(
            new ReferralChange(night, referral.Reference)
            {
                Events =
                [
                    StorageTestBed.Event(T0.AddMinutes(2), ReferralEventKinds.Disclosed, ("agency", "b")),
                    StorageTestBed.Event(T0.AddMinutes(2), ReferralEventKinds.Disclosed, ("agency", "a")),
                    StorageTestBed.Event(T0.AddMinutes(2), ReferralEventKinds.Routed),
                ],
            },
            Ct);
        await Store.AppendAsync(night, referral.Reference, [StorageTestBed.Event(T0.AddMinutes(1), ReferralEventKinds.Consulted, ("note", "checked by control room"))], Ct);

        var trail = await Store.TrailAsync(night, referral.Reference, Ct);

        Assert.Equal(
            ["received", "consulted", "disclosed:b", "disclosed:a", "routed"],
            trail.Select(e => e.Data.TryGetValue("agency", out var agency) ? $"{e.Kind}:{agency}" : e.Kind));
        Assert.Equal([T0, T0.AddMinutes(1), T0.AddMinutes(2), T0.AddMinutes(2), T0.AddMinutes(2)], trail.Select(e => e.At));
        Assert.Equal("checked by control room", trail[1].Data["note"]);
        Assert.Equal("test", trail[0].Actor);
    }

    [Fact]
    public async Task An_agency_sees_only_its_own_cases_of_that_night()
    {
        var night = StorageTestBed.UniqueNight();
        var one = StorageTestBed.Referral(night);
        var two = StorageTestBed.Referral(night);
        var otherNight = StorageTestBed.Referral(night.Next);
        foreach (var referral in new[] { one, two, otherNight })
        {
            await Store.TryCreateAsync(referral, [], Ct);
            await Store.SaveAsync(
                new ReferralChange(referral.Night, referral.Reference)
                {
                    Cases = [(Case(referral.Night, referral.Reference, "first-aid-essex"), null), (Case(referral.Night, referral.Reference, "da-survivors-essex"), null)],
                },
                Ct);
        }

        var cases = await Store.CasesForAgencyAsync(night, new AgencyId("first-aid-essex"), Ct);

        Assert.Equal(2, cases.Count);
        Assert.All(cases, c => Assert.Equal("first-aid-essex", c.AgencyId.Value));
        Assert.All(cases, c => Assert.Equal(night, c.Night));
        Assert.Equal(new[] { one.Reference, two.Reference }.Order(), cases.Select(c => c.Reference).Order());
        Assert.Empty(await Store.CasesForAgencyAsync(night, new AgencyId("first-aid"), Ct));
        Assert.Equal(4, (await Store.NightCasesAsync(night, Ct)).Count);
        Assert.Equal(2, (await Store.NightAsync(night, Ct)).Count);
    }

    [Fact]
    public async Task The_sweep_gets_only_the_nights_referrals_waiting_for_routing_or_a_delivery_report()
    {
        var night = StorageTestBed.UniqueNight();
        var received = StorageTestBed.Referral(night) with { Status = ReferralStatus.Received, Advice = AdviceState.Pending };
        var sent = StorageTestBed.Referral(night) with { Status = ReferralStatus.Routed, RoutedAt = T0, Advice = AdviceState.Sent, AdviceMessageId = "SM0123456789abcdef0123456789abcdef" };
        var delivered = StorageTestBed.Referral(night) with { Status = ReferralStatus.Routed, RoutedAt = T0, Advice = AdviceState.Delivered };
        var closed = StorageTestBed.Referral(night) with { Status = ReferralStatus.Closed, ClosedAt = T0, Advice = AdviceState.NotApplicable };
        var otherNight = StorageTestBed.Referral(night.Next) with { Status = ReferralStatus.Received };
        foreach (var referral in new[] { received, sent, delivered, closed, otherNight })
        {
            Assert.True(await Store.TryCreateAsync(referral, [StorageTestBed.Event(T0, ReferralEventKinds.Received)], Ct));
        }

        var awaiting = await Store.AwaitingAsync(night, Ct);

        Assert.Equal(new[] { received.Reference, sent.Reference }.Order(), awaiting.Select(r => r.Reference).Order());
        Assert.Equal(4, (await Store.NightAsync(night, Ct)).Count);
    }

    [Fact]
    public async Task A_nights_rows_read_in_one_query_hold_its_referrals_cases_and_events_and_nothing_of_other_nights()
    {
        var night = StorageTestBed.UniqueNight();
        var one = StorageTestBed.Referral(night);
        var two = StorageTestBed.Referral(night);
        var otherNight = StorageTestBed.Referral(night.Next);
        foreach (var referral in new[] { one, two, otherNight })
        {
            await Store.TryCreateAsync(referral, [StorageTestBed.Event(T0, ReferralEventKinds.Received)], Ct);
            await Store.SaveAsync(
                new ReferralChange(referral.Night, referral.Reference)
                {
                    Cases = [(Case(referral.Night, referral.Reference, "first-aid-essex"), null)],
                    Events = [StorageTestBed.Event(T0.AddMinutes(1), "escalated")],
                },
                Ct);
        }

        var rows = await Store.NightRowsAsync(night, Ct);

        Assert.Equal(new[] { one.Reference, two.Reference }.Order(), rows.Referrals.Select(r => r.Reference).Order());
        Assert.Equal(new[] { one.Reference, two.Reference }.Order(), rows.Cases.Select(c => c.Reference).Order());
        Assert.Equal(4, rows.Events.Count);
        Assert.Equal(2, rows.Events.Count(e => e.Reference == one.Reference));
        Assert.Contains(rows.Events, e => e.Reference == two.Reference && e.Event.Kind == "escalated");
    }

    [Theory]
    [InlineData("x' or PartitionKey ne '")]
    [InlineData("x' or Agency ne '")]
    [InlineData("first-aid-essex' or RowKey gt '")]
    [InlineData("2026-12-18' or RowKey gt '")]
    [InlineData("' or '1' eq '1")]
    [InlineData("first-aid-essex\u0000")]
    [InlineData("first-aid-essex/../da-survivors-essex")]
    [InlineData("da-survivors-essex|x")]
    public async Task Hostile_agency_ids_find_no_case(string hostile)
    {
        var night = StorageTestBed.UniqueNight();
        var referral = StorageTestBed.Referral(night);
        await Store.TryCreateAsync(referral, [], Ct);
        await Store.SaveAsync(
            new ReferralChange(night, referral.Reference)
            {
                Cases = [(Case(night, referral.Reference, "first-aid-essex"), null), (Case(night, referral.Reference, "da-survivors-essex"), null)],
            },
            Ct);
        Assert.Single(await Store.CasesForAgencyAsync(night, new AgencyId("first-aid-essex"), Ct));

        Assert.Empty(await Store.CasesForAgencyAsync(night, AgencyId.From(hostile), Ct));
        Assert.Null(await Store.FindCaseAsync(night, referral.Reference, AgencyId.From(hostile), Ct));
    }

    [Fact]
    public async Task Unerased_referrals_before_a_night_are_listed_and_erased_ones_are_not()
    {
        var old = StorageTestBed.UniqueNight();
        var recent = StorageTestBed.UniqueNight();
        var keep = StorageTestBed.Referral(old);
        var erase = StorageTestBed.Referral(old);
        var young = StorageTestBed.Referral(recent);
        foreach (var referral in new[] { keep, erase, young })
        {
            await Store.TryCreateAsync(referral, [], Ct);
        }

        await Store.EraseAsync(old, erase.Reference, T0, StorageTestBed.Event(T0, ReferralEventKinds.Erased), Ct);

        var listed = new List<Referral>();
        await foreach (var referral in Store.UnerasedBeforeAsync(recent, Ct))
        {
            listed.Add(referral);
        }

        Assert.Contains(listed, r => r.Night == old && r.Reference == keep.Reference);
        Assert.DoesNotContain(listed, r => r.Night == old && r.Reference == erase.Reference);
        Assert.DoesNotContain(listed, r => r.Night >= recent);
    }

    [Fact]
    public async Task Erasure_removes_personal_data_from_every_row_and_keeps_the_figures()
    {
        var night = StorageTestBed.UniqueNight();
        var referral = StorageTestBed.Referral(night) with { Status = ReferralStatus.Closed, Advice = AdviceState.Sent };
        await Store.TryCreateAsync(referral, [StorageTestBed.Event(T0, ReferralEventKinds.Received, ("source", "sms"))], Ct);
        var view = $"{{\"location\":\"{referral.Location}\",\"subjectPhone\":\"{referral.SubjectPhone}\"}}";
        await Store.SaveAsync(
            new ReferralChange(night, referral.Reference)
            {
                Cases = [(Case(night, referral.Reference, "street-pastors-chelmsford") with { View = view, Status = CaseStatus.Attended }, null)],
                Events = [StorageTestBed.Event(T0.AddMinutes(5), ReferralEventKinds.Outcome, ("agency", "street-pastors-chelmsford"), ("status", "attended"), ("note", "walked her to a taxi on Duke Street"))],
            },
            Ct);

        var erasedAt = T0.AddDays(31);
        await Store.EraseAsync(night, referral.Reference, erasedAt, StorageTestBed.Event(erasedAt, ReferralEventKinds.Erased, ("reason", "retention")), Ct);

        var erased = (await Store.FindAsync(night, referral.Reference, Ct))!.Value;
        Assert.Null(erased.Location);
        Assert.Null(erased.Description);
        Assert.Null(erased.SubjectPhone);
        Assert.Equal(erasedAt, erased.ErasedAt);
        Assert.Equal(referral.TownId, erased.TownId);
        Assert.Equal(referral.Categories, erased.Categories);
        Assert.Equal(ReferralStatus.Closed, erased.Status);
        Assert.Equal(AdviceState.Sent, erased.Advice);

        var partnerCase = Assert.Single(await Store.CasesAsync(night, referral.Reference, Ct)).Value;
        Assert.Equal("{}", partnerCase.View);
        Assert.Equal(CaseStatus.Attended, partnerCase.Status);
        Assert.Equal(["reference", "location", "description"], partnerCase.Fields);

        var trail = await Store.TrailAsync(night, referral.Reference, Ct);
        Assert.Equal(["received", "outcome", "erased"], trail.Select(e => e.Kind));
        Assert.All(trail, e => Assert.False(e.Data.ContainsKey("note")));
        Assert.Equal("attended", trail[1].Data["status"]);

        await AssertPartitionFreeOfAsync(night, "Golden Fleece", "red coat", "900123", "taxi on Duke Street");

        // A second run (a retried purge) finds nothing left to erase and logs no second erasure.
        await Store.EraseAsync(night, referral.Reference, erasedAt.AddDays(1), StorageTestBed.Event(erasedAt.AddDays(1), ReferralEventKinds.Erased), Ct);
        Assert.Equal(3, (await Store.TrailAsync(night, referral.Reference, Ct)).Count);
        Assert.Equal(erasedAt, (await Store.FindAsync(night, referral.Reference, Ct))!.Value.ErasedAt);
    }

    [Fact]
    public async Task Erasure_of_a_referral_with_more_rows_than_one_transaction_holds_still_removes_everything()
    {
        var night = StorageTestBed.UniqueNight();
        var referral = StorageTestBed.Referral(night);
        await Store.TryCreateAsync(referral, [], Ct);
        var notes = Enumerable.Range(0, 130)
            .Select(i => StorageTestBed.Event(T0.AddSeconds(i), ReferralEventKinds.Consulted, ("note", $"private note {i}")))
            .ToList();
        await Store.AppendAsync(night, referral.Reference, notes, Ct);
        Assert.Equal(130, (await Store.TrailAsync(night, referral.Reference, Ct)).Count);

        await Store.EraseAsync(night, referral.Reference, T0.AddDays(40), StorageTestBed.Event(T0.AddDays(40), ReferralEventKinds.Erased), Ct);

        var trail = await Store.TrailAsync(night, referral.Reference, Ct);
        Assert.Equal(131, trail.Count);
        Assert.Equal(ReferralEventKinds.Erased, trail[^1].Kind);
        Assert.NotNull((await Store.FindAsync(night, referral.Reference, Ct))!.Value.ErasedAt);
        await AssertPartitionFreeOfAsync(night, "private note", "Golden Fleece", "900123");
    }

    [Fact]
    public async Task A_change_too_big_for_one_transaction_is_refused_before_anything_is_written()
    {
        var night = StorageTestBed.UniqueNight();
        var referral = StorageTestBed.Referral(night);
        await Store.TryCreateAsync(referral, [], Ct);
        var change = new ReferralChange(night, referral.Reference)
        {
            Events = [.. Enumerable.Range(0, 101).Select(i => StorageTestBed.Event(T0.AddSeconds(i), ReferralEventKinds.Consulted))],
        };

        await Assert.ThrowsAsync<InvalidOperationException>(() => Store.SaveAsync(change, Ct));
        Assert.Empty(await Store.TrailAsync(night, referral.Reference, Ct));
    }

    private static PartnerCase Case(NightId night, ReferenceCode reference, string agency) => new()
    {
        Night = night,
        Reference = reference,
        AgencyId = AgencyId.From(agency),
        DisclosedAt = T0.AddMinutes(1),
        Fields = ["reference", "location", "description"],
        View = "{\"reference\":\"" + reference + "\",\"location\":\"outside the Golden Fleece\"}",
    };

    private async Task AssertPartitionFreeOfAsync(NightId night, params string[] personal)
    {
        var table = Bed.Table(StorageNames.ReferralsTable);
        var rows = 0;
        await foreach (var entity in table.QueryAsync<TableEntity>(TableClient.CreateQueryFilter($"PartitionKey eq {night.ToString()}"), cancellationToken: Ct))
        {
            rows++;
            foreach (var (column, value) in entity)
            {
                foreach (var text in personal)
                {
                    Assert.False(
                        value?.ToString()?.Contains(text, StringComparison.Ordinal) ?? false,
                        $"{entity.RowKey}.{column} still holds \"{text}\".");
                }
            }
        }

        Assert.True(rows > 0);
    }

    private static void AssertSame(Referral expected, Referral actual)
    {
        Assert.Equal(expected.Night, actual.Night);
        Assert.Equal(expected.Reference, actual.Reference);
        Assert.Equal(expected.ReceivedAt, actual.ReceivedAt);
        Assert.Equal(expected.Source, actual.Source);
        Assert.Equal(expected.TownId, actual.TownId);
        Assert.Equal(expected.Categories, actual.Categories);
        Assert.Equal(expected.Priority, actual.Priority);
        Assert.Equal(expected.Location, actual.Location);
        Assert.Equal(expected.Description, actual.Description);
        Assert.Equal(expected.SubjectPhone, actual.SubjectPhone);
        Assert.Equal(expected.Consent, actual.Consent);
        Assert.Equal(expected.Officer, actual.Officer);
        Assert.Equal(expected.Status, actual.Status);
        Assert.Equal(expected.Flagged, actual.Flagged);
        Assert.Equal(expected.Advice, actual.Advice);
        Assert.Equal(expected.AdviceMessageId, actual.AdviceMessageId);
        Assert.Equal(expected.AdviceError, actual.AdviceError);
        Assert.Equal(expected.RoutedAt, actual.RoutedAt);
        Assert.Equal(expected.ClosedAt, actual.ClosedAt);
        Assert.Equal(expected.ErasedAt, actual.ErasedAt);
        Assert.Equal(expected.TraceParent, actual.TraceParent);
        Assert.Equal(expected with { Categories = actual.Categories }, actual);
    }
}
