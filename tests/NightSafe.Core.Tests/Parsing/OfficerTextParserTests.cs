using NightSafe.Core.Intake.Parsing;
using NightSafe.Core.Sms;
using NightSafe.Core.World;

namespace NightSafe.Core.Tests.Domain.Parsing;

public sealed class OfficerTextParserTests
{
    private readonly OfficerTextParser _parser = new(TestWorld.Real);

    private ReferralDraft Referral(string text) => Assert.IsType<ReferralRequest>(_parser.Parse(text)).Draft;

    [Theory]
    [InlineData("07700 900123")]
    [InlineData("07700900123")]
    [InlineData("+44 7700 900123")]
    [InlineData("447700900123")]
    [InlineData("(07700) 900 123")]
    [InlineData("0044 7700 900 123")]
    [InlineData("07700-900-123")]
    [InlineData("+44(0)7700 900123")]
    [InlineData("07700\u00a0900\u00a0123")]
    public void The_subjects_number_in_any_common_format_becomes_e164_and_leaves_the_description(string number)
    {
        var draft = Referral($"Colchester drunk female {number} outside Yates consent");

        Assert.Equal("+447700900123", draft.SubjectPhone);
        Assert.Equal("female", draft.Description);
        Assert.Equal("Yates", draft.Location);
        Assert.False(draft.UnreadablePhone);
    }

    [Theory]
    [InlineData("consent", Consent.Given)]
    [InlineData("consent y", Consent.Given)]
    [InlineData("consent yes", Consent.Given)]
    [InlineData("Consent: Y", Consent.Given)]
    [InlineData("consents", Consent.Given)]
    [InlineData("consented", Consent.Given)]
    [InlineData("c/y", Consent.Given)]
    [InlineData("C/Y", Consent.Given)]
    [InlineData("gave consent", Consent.Given)]
    [InlineData("consent given", Consent.Given)]
    [InlineData("concent y", Consent.Given)]
    [InlineData("no consent", Consent.Refused)]
    [InlineData("declined consent", Consent.Refused)]
    [InlineData("consent n", Consent.Refused)]
    [InlineData("consent no", Consent.Refused)]
    [InlineData("consent=n", Consent.Refused)]
    [InlineData("refused consent", Consent.Refused)]
    [InlineData("doesnt consent", Consent.Refused)]
    [InlineData("doesn't consent", Consent.Refused)]
    [InlineData("doesn\u2019t consent", Consent.Refused)]
    [InlineData("does not consent", Consent.Refused)]
    [InlineData("did not give consent", Consent.Refused)]
    [InlineData("declined to give consent", Consent.Refused)]
    [InlineData("consent not given", Consent.Refused)]
    [InlineData("consent withheld", Consent.Refused)]
    [InlineData("c/n", Consent.Refused)]
    [InlineData("consent y then withdrew consent", Consent.Refused)]
    [InlineData("", Consent.NotStated)]
    [InlineData("content to go home", Consent.NotStated)]
    public void Consent_words(string words, Consent expected)
    {
        var draft = Referral($"Chelmsford drunk male, {words}");
        Assert.Equal(expected, draft.Consent);
        if (expected != Consent.NotStated)
        {
            Assert.DoesNotContain("consent", draft.Description ?? string.Empty, StringComparison.OrdinalIgnoreCase);
        }
    }

    [Theory]
    [InlineData("declined any follow up", Consent.Refused)]
    [InlineData("doesnt want any follow up", Consent.Refused)]
    [InlineData("happy for a follow up", Consent.Given)]
    [InlineData("too scared for us to contact her", Consent.Refused)]
    [InlineData("scared but happy to be contacted", Consent.Given)]
    public void Follow_up_and_fear_of_contact(string words, Consent expected) =>
        Assert.Equal(expected, Referral($"Chelmsford female, partner hit her, {words}").Consent);

    [Theory]
    [InlineData("drunk, tripped on the kerb, says no injuries", new[] { "intoxicated" })]
    [InlineData("drunk, fell over, not injured", new[] { "intoxicated" })]
    [InlineData("fell off bike, grazes to arms, no head injury", new[] { "injury" })]
    [InlineData("bleeding from the nose, no other injuries", new[] { "injury" })]
    [InlineData("no injuries at first, now bleeding", new[] { "injury" })]
    [InlineData("under the influence of drugs, not drunk", new[] { "intoxicated" })]
    public void A_denial_of_the_whole_concern_takes_back_what_came_before_it(string words, string[] expected) =>
        Assert.Equal(expected, Referral($"Colchester male {words}").CategoryIds.Values());

    [Theory]
    [InlineData("Southend female kissed her without consent on the dancefloor", Consent.NotStated)]
    [InlineData("Southend female touched without her consent", Consent.NotStated)]
    [InlineData("Southend female very drunk, without consent", Consent.Refused)]
    [InlineData("Southend female very drunk, agreed to receive info", Consent.Given)]
    public void Without_consent_after_an_act_is_about_the_act_not_contact(string text, Consent expected) =>
        Assert.Equal(expected, Referral(text).Consent);

    [Theory]
    [InlineData("Harlow male worried about his behaviour, asked for a call back", Consent.Given)]
    [InlineData("Harlow male asked for info on services, no concerns, very drunk", Consent.NotStated)]
    [InlineData("Harlow female very drunk, refused help and contact", Consent.Refused)]
    [InlineData("Harlow male unconscious, came round, declined hospital and further contact", Consent.Refused)]
    [InlineData("Harlow male in a fight, declined to engage with officers", Consent.Refused)]
    public void Contact_asked_for_and_refused_together_with_something_else(string text, Consent expected) =>
        Assert.Equal(expected, Referral(text).Consent);

    [Theory]
    [InlineData("Grays female only had two drinks and thinks she was spiked", "spiking")]
    [InlineData("Grays female says her brother hits her when he is drunk", "domestic-abuse")]
    [InlineData("Grays female fine, walked to the taxi, no concerns, friends left her", "alone")]
    [InlineData("Grays male involved in an altercation outside the club", "disorder")]
    [InlineData("Grays male says he is afraid he will hurt his partner again", "perpetrator")]
    public void Drink_named_only_to_count_it_and_a_taxi_already_taken(string text, string expected) =>
        Assert.Equal(expected.Split(','), Referral(text).CategoryIds.Values());

    [Theory]
    [InlineData("Grays male cant stand up, slurring his words", "intoxicated")]
    [InlineData("Grays female friends left, missed the last c2c train home", "alone,transport")]
    [InlineData("Grays male checked on, sober, waiting for his lift, very drunk mate with him", "intoxicated")]
    [InlineData("Grays female brother assaulted her, she is staying with a friend", "domestic-abuse")]
    [InlineData("Grays female on her own, bloke followed her from the bus stop", "alone,sexual-harassment")]
    [InlineData("Grays female by the coach stop, had a fright, friends dragged her out, very drunk", "intoxicated")]
    [InlineData("Grays male tipped over a bin, the officer said he was smelling of drink and slurring", "intoxicated")]
    public void Described_without_the_usual_keyword_and_common_words_not_taken_for_typos(string text, string expected) =>
        Assert.Equal(expected.Split(','), Referral(text).CategoryIds.Values());

    [Fact]
    public void A_need_worded_as_a_negation_is_not_denied_by_an_earlier_one()
    {
        var draft = Referral("Braintree female 17, friends left without her, no lift home");
        Assert.Equal(["alone", "transport"], draft.CategoryIds.Values());
    }

    [Theory]
    [InlineData("says her dad threatened her tonight", "domestic-abuse")]
    [InlineData("says her brother assaulted her at home", "domestic-abuse")]
    [InlineData("upset, says her ex did this to her", "domestic-abuse")]
    [InlineData("says he is abusive to his gf and wants help", "perpetrator")]
    [InlineData("says he hurt his partner and wants support to change", "perpetrator")]
    [InlineData("came to us on her own initiative, very drunk", "intoxicated")]
    public void Abuse_by_family_and_by_the_person_themselves(string words, string expected)
    {
        Assert.Equal([expected], Referral($"Harlow {words}, c/y").CategoryIds.Values());
    }

    [Fact]
    public void No_injuries_after_a_comma_does_not_turn_later_consent_into_a_refusal()
    {
        Assert.Equal(Consent.Given, Referral("Chelmsford drunk female, no injuries, consent").Consent);
    }

    [Theory]
    [InlineData("chelmsfrd", "chelmsford")]
    [InlineData("chlemsford", "chelmsford")]
    [InlineData("Chelmsford City", "chelmsford")]
    [InlineData("chelms ford", "chelmsford")]
    [InlineData("colchster", "colchester")]
    [InlineData("clochester", "colchester")]
    [InlineData("COLCH", "colchester")]
    [InlineData("sthend", "southend")]
    [InlineData("southend on sea", "southend")]
    [InlineData("Southend-on-Sea", "southend")]
    [InlineData("south end", "southend")]
    [InlineData("sarfend", "southend")]
    [InlineData("bsildon", "basildon")]
    [InlineData("baz", "basildon")]
    [InlineData("braintre", "braintree")]
    [InlineData("harlw", "harlow")]
    [InlineData("thurrock", "grays")]
    public void Towns_by_name_alias_and_typo(string town, string expected)
    {
        Assert.Equal(expected, Referral($"drunk female outside Yates {town}").TownId.Value);
    }

    [Theory]
    [InlineData("spikd", "spiking")]
    [InlineData("intoxicted", "intoxicated")]
    [InlineData("harrased", "sexual-harassment")]
    [InlineData("aggresive", "disorder")]
    [InlineData("unconsious", "injury")]
    [InlineData("drnk", "intoxicated")]
    [InlineData("needle", "spiking")]
    [InlineData("drink was spiked", "spiking")]
    [InlineData("injuries", "injury")]
    [InlineData("fights", "disorder")]
    [InlineData("assaulted", "disorder")]
    [InlineData("on her own", "alone")]
    [InlineData("DV", "domestic-abuse")]
    [InlineData("missed last train", "transport")]
    public void Categories_by_keyword_synonym_and_small_typo(string words, string expected)
    {
        Assert.Equal([expected], Referral($"Chelmsford female {words}").CategoryIds.Values());
    }

    [Theory]
    [InlineData("not injured")]
    [InlineData("no injuries")]
    [InlineData("no visible injury")]
    [InlineData("doesnt appear drunk")]
    public void Negated_categories_are_not_counted_and_stay_in_the_description(string words)
    {
        var draft = Referral($"Chelmsford female alone, {words}");
        Assert.Equal(["alone"], draft.CategoryIds.Values());
        Assert.Contains(words.Split(' ')[^1], draft.Description, StringComparison.Ordinal);
    }

    [Fact]
    public void Several_categories_in_one_text_come_in_routing_json_order()
    {
        var draft = Referral("Basildon female drink spiked, bleeding, lost friends, domestic, fight, needs taxi, groped, paralytic");
        Assert.Equal(
            ["alone", "intoxicated", "spiking", "sexual-harassment", "domestic-abuse", "injury", "disorder", "transport"],
            draft.CategoryIds.Values());
    }

    [Theory]
    [InlineData("outside Yates", "Yates")]
    [InlineData("at the bus station", "the bus station")]
    [InlineData("near McDonalds", "McDonalds")]
    [InlineData("nr Shire Hall", "Shire Hall")]
    [InlineData("by the river", "the river")]
    [InlineData("opp Wetherspoons", "Wetherspoons")]
    [InlineData("o/s Popworld", "Popworld")]
    [InlineData("next to the cathedral", "the cathedral")]
    [InlineData("on Moulsham St", "Moulsham St")]
    [InlineData("on Duke Street near the station", "Duke Street near the station")]
    [InlineData("Springfield Road", "Springfield Road")]
    [InlineData("in the park", "the park")]
    [InlineData("at her friend's flat", "her friend's flat")]
    public void Location_phrases(string words, string location)
    {
        Assert.Equal(location, Referral($"Chelmsford drunk female {words}, consent").Location);
    }

    [Fact]
    public void High_street_and_taxi_rank_are_places_not_concerns()
    {
        var draft = Referral("Chelmsford female alone near the taxi rank on the High St");
        Assert.Equal(["alone"], draft.CategoryIds.Values());
        Assert.Equal("the taxi rank on the High St", draft.Location);
    }

    [Fact]
    public void Help_inside_a_referral_is_not_the_help_command()
    {
        Assert.IsType<ReferralRequest>(_parser.Parse("help drunk female chelmsford"));
        Assert.IsType<ReferralRequest>(_parser.Parse("Colchester male wants help with behaviour"));
        Assert.IsType<HelpRequest>(_parser.Parse("help how do I send a referral"));
        Assert.IsType<HelpRequest>(_parser.Parse("Help!"));
    }

    [Fact]
    public void A_default_town_fills_in_only_when_the_text_names_none()
    {
        Assert.Equal("harlow", Assert.IsType<ReferralRequest>(_parser.Parse("drunk female outside Yates", new TownId("harlow"))).Draft.TownId.Value);
        Assert.Equal("grays", Assert.IsType<ReferralRequest>(_parser.Parse("Grays drunk female", new TownId("harlow"))).Draft.TownId.Value);
        Assert.Equal([MissingParts.Town], Assert.IsType<NotUnderstood>(_parser.Parse("drunk female", new TownId("clacton"))).Missing);
    }

    [Fact]
    public void The_example_in_replies_reads_as_a_full_referral()
    {
        var draft = Referral(_parser.ExampleReferral);

        Assert.Equal("chelmsford", draft.TownId.Value);
        Assert.Equal(["alone", "intoxicated"], draft.CategoryIds.Values());
        Assert.Equal("+447700900123", draft.SubjectPhone);
        Assert.Equal(Consent.Given, draft.Consent);
        Assert.Equal("the station", draft.Location);
        Assert.Equal("female", draft.Description);
    }

    [Theory]
    [InlineData("drunk female outside yates", new[] { "town" }, "which town")]
    [InlineData("Chelmsford outside Yates", new[] { "category" }, "what is the concern")]
    [InlineData("hello?", new[] { "town", "category" }, "not understood")]
    [InlineData("status", new[] { "reference" }, "STATUS")]
    [InlineData("status 7KQ", new[] { "reference" }, "STATUS")]
    [InlineData("close", new[] { "reference" }, "CLOSE")]
    [InlineData("close 7KQ2MX", new[] { "outcome" }, "outcome")]
    public void What_was_missing_is_named_with_an_example_in_at_most_two_gsm7_segments(string text, string[] missing, string says)
    {
        var reply = Assert.IsType<NotUnderstood>(_parser.Parse(text));

        Assert.Equal(missing, reply.Missing);
        Assert.Contains(says, reply.Reply, StringComparison.Ordinal);
        Assert.Contains("e.g.", reply.Reply, StringComparison.Ordinal);
        Assert.True(SmsText.IsGsm7(reply.Reply));
        Assert.InRange(SmsText.Segments(reply.Reply), 1, 2);
    }

    [Fact]
    public void Replies_stay_within_two_gsm7_segments_even_for_a_world_with_many_long_town_names()
    {
        var world = TestWorld.Real with
        {
            Towns = Enumerable.Range(1, 30).Select(i => new Town(new TownId($"town-{i}"), $"Great Little Saint Mary\u2019s-on-the-Marsh {i}", [], "Council")).ToList(),
        };
        var parser = new OfficerTextParser(world);

        foreach (var text in new[] { "drunk female", "Great Little Saint Mary's-on-the-Marsh 3 outside Yates", "nothing at all" })
        {
            var reply = Assert.IsType<NotUnderstood>(parser.Parse(text)).Reply;
            Assert.True(SmsText.IsGsm7(reply), reply);
            Assert.InRange(SmsText.Segments(reply), 1, 2);
        }
    }

    [Fact]
    public void Short_digit_groups_that_meet_once_words_are_taken_out_do_not_reach_the_description_as_one_long_number()
    {
        // "consent" is read and taken out of the free text, which would leave "900 0044 0044": a number-like run.
        var draft = Referral("Chelmsford drunk female by bus 900 0044 consent 0044 High St");

        var digits = new string((draft.Description ?? string.Empty).Where(c => char.IsAsciiDigit(c) || c == ' ').ToArray()).Replace(" ", string.Empty, StringComparison.Ordinal);
        Assert.True(digits.Length < 9, $"description '{draft.Description}' keeps {digits.Length} digits in a row");
        Assert.Contains("female", draft.Description, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("Southend female fell, bleeding knee, friends number is 07700 900950", null)]
    [InlineData("Southend female fell, bleeding knee, her mums number 07700 900950", null)]
    [InlineData("Southend female fell, bleeding knee, via her mum 07700 900950", null)]
    [InlineData("Southend female fell, bleeding knee, with her mum, 07700 900950", "+447700900950")]
    [InlineData("Southend female fell, bleeding knee, ok to text 07700 900950", "+447700900950")]
    public void A_number_the_text_says_is_someone_elses_is_not_the_persons(string text, string? phone)
    {
        var draft = Referral(text);
        Assert.Equal(phone, draft.SubjectPhone);
        Assert.False(draft.UnreadablePhone);
    }

    [Theory]
    [InlineData("Chelmsford female says her brother has been threatening her", "domestic-abuse")]
    [InlineData("Chelmsford female says her brother threatened her", "domestic-abuse")]
    [InlineData("Chelmsford female says her step dad keeps threatening her", "domestic-abuse")]
    [InlineData("Chelmsford male says he has been violent to his gf, wants help to stop, has been controlling", "perpetrator")]
    [InlineData("Chelmsford male keeps losing it with his gf and pushed her tonight", "perpetrator")]
    [InlineData("Chelmsford male drunk and threatening behaviour outside the pub", "disorder,intoxicated")]
    public void Verbs_are_read_in_either_tense_and_someone_asking_for_help_with_their_own_abuse_is_not_its_victim(string text, string categories)
    {
        var draft = Referral(text);
        Assert.Equal(categories.Split(','), draft.CategoryIds.Select(c => c.Value).Order(StringComparer.Ordinal));
    }

    [Theory]
    [InlineData("Chelmsford male hit his partner, offered a referral to a programme to help him stop, declined", Consent.Refused)]
    [InlineData("Chelmsford male drunk, offered help to get home but refused", Consent.Refused)]
    [InlineData("Chelmsford female alone, didnt want any help said shes fine", Consent.Refused)]
    [InlineData("Chelmsford male drunk, wouldnt give details", Consent.Refused)]
    [InlineData("Chelmsford male drunk, refused to give his name", Consent.Refused)]
    [InlineData("Chelmsford male says he wants help with his temper towards his wife", Consent.NotStated)]
    [InlineData("Chelmsford male wants help to stop hitting his partner, ok for a worker to ring him", Consent.Given)]
    [InlineData("Chelmsford female says her dad hit her, agreed to referral", Consent.Given)]
    public void Consent_is_read_from_refused_offers_help_names_and_referrals(string text, Consent consent)
    {
        Assert.Equal(consent, Referral(text).Consent);
    }

    [Fact]
    public void Phone_numbers_never_reach_the_description_or_location_even_when_unusable()
    {
        // The friend's number is not hers (her advice must not go to the friend); her own was mistyped.
        var draft = Referral("Chelmsford drunk female 07700 90012, friend on 07700 900456, outside Yates");
        Assert.Null(draft.SubjectPhone);
        Assert.True(draft.UnreadablePhone);
        Assert.DoesNotContain("90012", draft.Description ?? string.Empty, StringComparison.Ordinal);
        Assert.DoesNotContain("900456", draft.Description ?? string.Empty, StringComparison.Ordinal);

        var unusable = Referral("Chelmsford drunk female 0770 090 012, outside Yates");
        Assert.Null(unusable.SubjectPhone);
        Assert.True(unusable.UnreadablePhone);
        Assert.Equal("female", unusable.Description);
    }

    [Fact]
    public void Numbers_that_are_not_phone_numbers_stay_in_the_description()
    {
        var draft = Referral("Chelmsford drunk female aged 19, 2 friends left at 0230, PC 4107");
        Assert.Null(draft.SubjectPhone);
        Assert.False(draft.UnreadablePhone);
        Assert.Contains("19", draft.Description, StringComparison.Ordinal);
        Assert.Contains("0230", draft.Description, StringComparison.Ordinal);
    }

    [Fact]
    public void Only_the_first_1600_characters_are_read()
    {
        var padding = new string('x', OfficerTextParser.MaxLength - 6) + " ";
        Assert.IsType<NotUnderstood>(_parser.Parse(padding + "Chelmsford drunk"));
        Assert.IsType<ReferralRequest>(_parser.Parse("Chelmsford drunk " + padding));
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("   ")]
    [InlineData("...")]
    public void Empty_texts_are_not_understood(string? text)
    {
        Assert.Equal([MissingParts.Town, MissingParts.Category], Assert.IsType<NotUnderstood>(_parser.Parse(text)).Missing);
    }

    [Theory]
    [InlineData("?")]
    [InlineData("??")]
    [InlineData("HELP")]
    [InlineData("help me")]
    [InlineData("Help please")]
    [InlineData("info")]
    [InlineData("menu")]
    public void Help_command(string text)
    {
        Assert.IsType<HelpRequest>(_parser.Parse(text));
    }
}
