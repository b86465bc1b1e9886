"""``inquiries add|add-unbadged|list|leads|lead-update|consent|export|questions|templates|
messages|salespeople|figures``: what buyers asked at a factory's booth, and what the factory
does with it.

Every command acts as one factory (``--factory``) and sees that factory's rows only.
"""

from __future__ import annotations

import argparse
import datetime as dt
from contextlib import AbstractContextManager
from pathlib import Path

from expo.cli.context import CliContext, Output
from expo.cli.shapes import command_group, factory_option, listing
from expo.errors import ExpoError
from expo.models import LeadRating, QuestionKind
from expo.services.card_images import card_image_from_file
from expo.services.catalogue import ProductFieldError, parse_price
from expo.services.events import StationRef
from expo.services.follow_up import (
    CHANNELS,
    leads_due,
    list_templates,
    messages_for,
    remove_template,
    save_template,
    write_messages_csv,
)
from expo.services.lead_csv import PRESET_LABELS, PRESETS, export_leads_csv
from expo.services.lead_export import export_inquiries
from expo.services.lead_figures import factory_figures
from expo.services.lead_questions import (
    QuestionInfo,
    add_question,
    list_questions,
    remove_question,
)
from expo.services.leads import (
    KEEP,
    InquiryDraft,
    LeadFilter,
    LeadSummary,
    LeadUpdate,
    consent_record,
    list_inquiries,
    list_leads,
    record_consent,
    record_inquiry,
    update_lead,
)
from expo.services.salespeople import set_station_salespeople, station_salespeople
from expo.services.unbadged import UnbadgedBuyer, record_unbadged_inquiry
from expo.unit_of_work import UnitOfWork

NONE = "none"  # the value that clears a lead's rating or follow-up date


def register(subparsers: argparse._SubParsersAction, common: argparse.ArgumentParser) -> None:
    commands = command_group(
        subparsers, common, "inquiries", "buyers' inquiries at a factory's booth"
    )

    add = commands.add_parser("add", parents=[common], help="log an inquiry from a badge scan")
    factory_option(add)
    add.add_argument("--badge", metavar="PAYLOAD", required=True, help="the scanned badge code")
    _inquiry_options(add)
    _station_option(add)
    add.set_defaults(handler=run_add)

    unbadged = commands.add_parser(
        "add-unbadged",
        parents=[common],
        help="log an inquiry of a buyer without a badge (typed in by hand; not verified)",
    )
    factory_option(unbadged)
    unbadged.add_argument("--name", metavar="N", required=True, help="as on the business card")
    unbadged.add_argument("--phone", metavar="P", required=True, help="the buyer's phone")
    unbadged.add_argument("--company", metavar="C", help="the buyer's company")
    unbadged.add_argument(
        "--card-image", metavar="FILE", type=Path, help="a photo of the business or WeChat card"
    )
    unbadged.add_argument(
        "--consent",
        action="store_true",
        help="the buyer agreed here to share their contact with this factory",
    )
    _inquiry_options(unbadged)
    _station_option(unbadged)
    unbadged.set_defaults(handler=run_add_unbadged)

    listing = commands.add_parser("list", parents=[common], help="the factory's inquiries")
    factory_option(listing)
    listing.set_defaults(handler=run_list)

    leads = commands.add_parser("leads", parents=[common], help="the factory's leads (buyers)")
    factory_option(leads)
    _filter_options(leads)
    leads.set_defaults(handler=run_leads)

    consent = commands.add_parser(
        "consent",
        parents=[common],
        help="the buyer agreed at the booth to share their contact with this factory",
    )
    factory_option(consent)
    consent.add_argument("--lead", metavar="L", type=int, required=True, help="the lead's id")
    _station_option(consent)
    consent.set_defaults(handler=run_consent)

    questions = commands.add_parser(
        "questions", parents=[common], help="the factory's qualifying questions"
    )
    factory_option(questions)
    actions = questions.add_subparsers(dest="questions_action", metavar="ACTION")
    actions.required = True
    actions.add_parser("list", parents=[common], help="the questions").set_defaults(
        handler=run_questions_list
    )
    add_question = actions.add_parser("add", parents=[common], help="add a question")
    add_question.add_argument("--text", metavar="T", required=True, help="the question")
    add_question.add_argument(
        "--kind",
        choices=[k.value for k in QuestionKind],
        required=True,
        help="text, one (single choice) or many (multiple choice)",
    )
    add_question.add_argument(
        "--option", metavar="O", action="append", default=[], help="a choice (repeat)"
    )
    add_question.set_defaults(handler=run_questions_add)
    remove_question = actions.add_parser(
        "remove", parents=[common], help="take a question off the booth form (answers stay)"
    )
    remove_question.add_argument("id", metavar="ID", type=int, help="the question's id")
    remove_question.set_defaults(handler=run_questions_remove)

    templates = commands.add_parser(
        "templates", parents=[common], help="the factory's follow-up message templates"
    )
    factory_option(templates)
    template_actions = templates.add_subparsers(dest="templates_action", metavar="ACTION")
    template_actions.required = True
    template_actions.add_parser("list", parents=[common], help="the templates").set_defaults(
        handler=run_templates_list
    )
    set_template = template_actions.add_parser(
        "set", parents=[common], help="create or replace a template"
    )
    set_template.add_argument("name", metavar="NAME")
    set_template.add_argument("--channel", choices=CHANNELS, default="wechat")
    set_template.add_argument(
        "--body",
        metavar="T",
        required=True,
        help="the text; {name} {company} {products} {salesperson} {factory} are filled in",
    )
    set_template.set_defaults(handler=run_templates_set)
    remove_template = template_actions.add_parser(
        "remove", parents=[common], help="delete a template"
    )
    remove_template.add_argument("name", metavar="NAME")
    remove_template.set_defaults(handler=run_templates_remove)

    messages = commands.add_parser(
        "messages",
        parents=[common],
        help="follow-up messages from a template: for the leads due on a day (today) or given",
    )
    factory_option(messages)
    messages.add_argument("--template", metavar="NAME", required=True)
    messages.add_argument("--lead", metavar="L", type=int, action="append", default=[])
    messages.add_argument(
        "--due",
        metavar="YYYY-MM-DD",
        type=dt.date.fromisoformat,
        help="the leads to follow up on that day (default: today, without --lead)",
    )
    messages.add_argument("--salesperson", metavar="NAME", help="signs where a lead has none")
    messages.add_argument("--out", metavar="FILE.csv", type=Path, help="also write them to CSV")
    messages.set_defaults(handler=run_messages)

    salespeople = commands.add_parser(
        "salespeople", parents=[common], help="the booth station's short list of salespeople"
    )
    factory_option(salespeople)
    _station_option(salespeople)
    salespeople.add_argument(
        "--set", metavar="NAME", nargs="*", help="make these names the list, in this order"
    )
    salespeople.set_defaults(handler=run_salespeople)

    figures = commands.add_parser("figures", parents=[common], help="the factory's own figures")
    factory_option(figures)
    figures.set_defaults(handler=run_figures)

    update = commands.add_parser(
        "lead-update",
        parents=[common],
        help="change a lead's rating, follow-up date or notes (its inquiries stay as they are)",
    )
    factory_option(update)
    update.add_argument("--lead", metavar="L", type=int, required=True, help="the lead's id")
    update.add_argument(
        "--rating", choices=[*(r.value for r in LeadRating), NONE], help="hot, warm, cold or none"
    )
    update.add_argument(
        "--follow-up",
        metavar="YYYY-MM-DD",
        type=_date_or_none,
        default=KEEP,
        help="the follow-up date, or 'none' to clear it",
    )
    update.add_argument("--notes", metavar="T", help="the lead's notes ('' clears them)")
    _station_option(update)
    update.set_defaults(handler=run_lead_update)

    export = commands.add_parser(
        "export", parents=[common], help="export to XLSX, or CSV in a CRM's columns"
    )
    factory_option(export)
    export.add_argument("--out", metavar="FILE", type=Path, required=True)
    export.add_argument("--format", choices=("xlsx", "csv"), help="default: by the suffix")
    export.add_argument(
        "--preset",
        metavar="NAME",
        choices=list(PRESETS),
        default="plain",
        help="CSV columns: " + ", ".join(PRESETS),
    )
    _filter_options(export)
    export.set_defaults(handler=run_export)


def _inquiry_options(parser: argparse.ArgumentParser) -> None:
    """What an inquiry records: products, quantity, price, wishes, rating, answers, tags, who."""
    parser.add_argument(
        "--product",
        metavar="SKU",
        action="append",
        required=True,
        help="a product of the factory's catalogue (repeat for several)",
    )
    parser.add_argument("--quantity", metavar="N", type=int, help="pieces the buyer asked for")
    parser.add_argument("--target-price", metavar="P", help="the buyer's target price in yuan")
    parser.add_argument("--customisation", metavar="T", default="", help="customisation wishes")
    parser.add_argument("--note", metavar="T", default="", help="a note")
    parser.add_argument("--rating", choices=[r.value for r in LeadRating], help="hot, warm or cold")
    parser.add_argument(
        "--follow-up", metavar="YYYY-MM-DD", type=dt.date.fromisoformat, help="follow-up date"
    )
    _lead_details_options(parser)


def _lead_details_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--answer",
        metavar="QID=VALUE",
        action="append",
        default=[],
        type=_answer,
        help="answer a qualifying question: the text, an option or its number (repeat)",
    )
    parser.add_argument("--tag", metavar="T", action="append", default=[], help="tag the lead")
    parser.add_argument("--salesperson", metavar="NAME", help="who at the booth took it")


def _filter_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--tag", metavar="T", help="only leads with this tag")
    parser.add_argument(
        "--answer",
        metavar="QID=VALUE",
        action="append",
        default=[],
        type=_answer,
        help="only leads that gave this answer (repeat: all must match)",
    )
    parser.add_argument("--rating", choices=[r.value for r in LeadRating])
    parser.add_argument(
        "--due", metavar="YYYY-MM-DD", type=dt.date.fromisoformat, help="follow-up date"
    )
    parser.add_argument(
        "--unverified", action="store_true", help="only buyers typed in without a badge"
    )


def _answer(text: str) -> tuple[int, str]:
    question, sep, value = text.partition("=")
    if not sep or not question.strip().isdigit():
        raise argparse.ArgumentTypeError(
            f"{text!r}: give QID=VALUE, the question's id (see `inquiries questions ... list`), "
            "'=' and the answer"
        )
    return int(question), value


def _lead_filter(args: argparse.Namespace) -> LeadFilter:
    answers: dict[int, str] = {}
    for question, value in args.answer:
        if question in answers:
            raise ExpoError(
                f"Question {question} is filtered twice; give one --answer {question}=…"
            )
        answers[question] = value.strip()
    return LeadFilter(
        tag=args.tag,
        answers=answers,
        rating=LeadRating(args.rating) if args.rating else None,
        follow_up_on=args.due,
        unverified_only=args.unverified,
    )


def _station_option(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--station", metavar="NAME", help="the booth station (default: 'Booth <factory id>')"
    )


def _date_or_none(text: str) -> dt.date | None:
    if text.strip().lower() == NONE:
        return None
    try:
        return dt.date.fromisoformat(text.strip())
    except ValueError:
        raise argparse.ArgumentTypeError(
            f"{text!r} is not a date; give YYYY-MM-DD, or 'none' to clear it"
        ) from None


def _acting_booth(
    ctx: CliContext, args: argparse.Namespace
) -> AbstractContextManager[tuple[UnitOfWork, StationRef]]:
    """A transaction acting as the factory's booth station (``--station``, else 'Booth F')."""
    return ctx.writing_as(args.station or f"Booth {args.factory}", factory=args.factory)


def _draft(args: argparse.Namespace) -> InquiryDraft:
    try:
        target_price = parse_price(args.target_price, "target_price")
    except ProductFieldError as exc:
        raise ProductFieldError("target_price", f"--target-price: {exc}") from None
    return InquiryDraft(
        skus=args.product,
        quantity=args.quantity,
        target_price=target_price,
        customisation=args.customisation,
        notes=args.note,
        rating=LeadRating(args.rating) if args.rating else None,
        follow_up_on=args.follow_up,
        answers=args.answer,
        tags=args.tag,
        salesperson=args.salesperson,
    )


def run_add(args: argparse.Namespace, ctx: CliContext) -> Output:
    draft = _draft(args)
    with _acting_booth(ctx, args) as (session, station):
        record = record_inquiry(session, args.factory, args.badge, draft, station)
    products = ", ".join(p.sku for p in record.products)
    text = f"Inquiry {record.uuid}: {record.visitor_name} ({record.company or '-'}) — {products}"
    return Output(record.as_json(), text)


def run_list(args: argparse.Namespace, ctx: CliContext) -> Output:
    with ctx.reading() as session:
        records = list_inquiries(session, args.factory)
    return listing(
        records,
        lambda r: (
            f"{r.at:%Y-%m-%d %H:%M}  {r.visitor_name:<8} {', '.join(p.sku for p in r.products)}"
            f"  qty {r.quantity or '-'}  ¥{r.target_price or '-'}  {r.rating or ''}"
        ),
        "inquiries",
    )


def run_add_unbadged(args: argparse.Namespace, ctx: CliContext) -> Output:
    draft = _draft(args)
    card = card_image_from_file(args.card_image) if args.card_image else None
    buyer = UnbadgedBuyer(args.name, args.phone, args.company, card, args.consent)
    with _acting_booth(ctx, args) as (session, station):
        result = record_unbadged_inquiry(session, args.factory, buyer, draft, station)
    record = result.inquiry
    products = ", ".join(p.sku for p in record.products)
    text = (
        f"Inquiry {record.uuid}: {record.visitor_name} ({record.company or '-'}) — {products}"
        "\n  not verified by badge"
        + (
            "; phone already registered: linked to that visitor"
            if result.matched_registration
            else ""
        )
    )
    return Output(result.as_json(), text)


def run_leads(args: argparse.Namespace, ctx: CliContext) -> Output:
    with ctx.reading() as session:
        leads = list_leads(session, args.factory, where=_lead_filter(args))
    return listing(leads, _lead_line, "leads")


def _lead_line(lead: LeadSummary) -> str:
    extra = []
    if lead.tags:
        extra.append("#" + " #".join(lead.tags))
    if lead.salesperson:
        extra.append(f"by {lead.salesperson}")
    if not lead.verified_by_badge:
        extra.append("not verified by badge")
    return (
        f"{lead.id:>5}  {lead.name:<8} {lead.company or '-':<24} {lead.inquiries} inquiries  "
        f"{lead.rating or ''}  {', '.join(lead.skus)}  {'  '.join(extra)}"
    ).rstrip()


def run_consent(args: argparse.Namespace, ctx: CliContext) -> Output:
    with _acting_booth(ctx, args) as (session, station):
        lead = record_consent(session, args.factory, args.lead, station)
        recorded = consent_record(session, args.factory, args.lead)
    assert recorded is not None
    at, station_name = recorded
    return Output(
        lead.as_json() | {"consent_station": station_name},
        f"Lead {lead.id} ({lead.name}) agreed to share their contact at {station_name}, "
        f"{at:%Y-%m-%d %H:%M} UTC",
    )


def run_questions_list(args: argparse.Namespace, ctx: CliContext) -> Output:
    with ctx.reading() as session:
        questions = list_questions(session, args.factory)
    return listing(questions, _question_line, "questions")


def _question_line(question: QuestionInfo) -> str:
    options = "  " + " / ".join(f"{n} {o}" for n, o in enumerate(question.options, 1))
    return f"{question.id:>4}  [{question.kind.value}] {question.text}" + (
        options if question.options else ""
    )


def run_questions_add(args: argparse.Namespace, ctx: CliContext) -> Output:
    with ctx.writing() as session:
        question = add_question(session, args.factory, args.text, args.kind, args.option)
    return Output(question.as_json(), "Added " + _question_line(question).strip())


def run_questions_remove(args: argparse.Namespace, ctx: CliContext) -> Output:
    with ctx.writing() as session:
        question = remove_question(session, args.factory, args.id)
    return Output(question.as_json(), f"Removed question {question.id} ({question.text})")


def run_templates_list(args: argparse.Namespace, ctx: CliContext) -> Output:
    with ctx.reading() as session:
        templates = list_templates(session, args.factory)
    return listing(templates, lambda t: f"{t.name} [{t.channel}]  {t.body}", "templates")


def run_templates_set(args: argparse.Namespace, ctx: CliContext) -> Output:
    with ctx.writing() as session:
        template = save_template(session, args.factory, args.name, args.channel, args.body)
    return Output(template.as_json(), f"Saved template {template.name} [{template.channel}]")


def run_templates_remove(args: argparse.Namespace, ctx: CliContext) -> Output:
    with ctx.writing() as session:
        remove_template(session, args.factory, args.name)
    return Output({"removed": args.name}, f"Removed template {args.name}")


def run_messages(args: argparse.Namespace, ctx: CliContext) -> Output:
    with ctx.reading() as session:
        if args.lead and args.due is None:
            every = {lead.id: lead for lead in list_leads(session, args.factory)}
            missing = [lead for lead in args.lead if lead not in every]
            if missing:
                raise ExpoError(
                    f"Factory {args.factory} has no lead {missing[0]}; "
                    f"`python -m expo inquiries leads --factory {args.factory}` shows them."
                )
            leads = [every[lead] for lead in args.lead]
        else:
            leads = leads_due(session, args.factory, args.due or dt.date.today())
        messages = messages_for(
            session, args.factory, args.template, leads, salesperson=args.salesperson
        )
    if args.out is not None:
        write_messages_csv(messages, args.out)
    text = "\n\n".join(f"— {m.name} ({m.phone or m.wechat or '-'})\n{m.text}" for m in messages)
    text += f"\n{len(messages)} messages" + (f", written to {args.out}" if args.out else "")
    return Output([m.as_json() for m in messages], text.strip())


def run_salespeople(args: argparse.Namespace, ctx: CliContext) -> Output:
    with _acting_booth(ctx, args) as (session, station):
        if args.set is not None:
            names = set_station_salespeople(session, station, args.set)
        else:
            names = station_salespeople(session, station.id)
    return Output(
        {"station": station.name, "salespeople": names},
        f"{station.name}: " + (", ".join(names) or "no salespeople yet"),
    )


def run_figures(args: argparse.Namespace, ctx: CliContext) -> Output:
    with ctx.reading() as session:
        figures = factory_figures(session, args.factory)
    lines = [
        f"leads {figures.leads} (today {figures.leads_today}), hot {figures.hot}, "
        f"inquiries today {figures.inquiries_today}, not verified by badge {figures.unverified}",
        "top SKUs: " + ", ".join(f"{s} {n} ×{c}" for s, n, c in figures.top_skus),
    ]
    for answer in figures.answers:
        counts = ", ".join(f"{option} {count}" for option, count in answer.counts)
        lines.append(f"{answer.question.text}: {counts}")
    return Output(figures.as_json(), "\n".join(lines))


def run_lead_update(args: argparse.Namespace, ctx: CliContext) -> Output:
    if args.rating is None and args.follow_up is KEEP and args.notes is None:
        raise ExpoError("Nothing to change: give --rating, --follow-up and/or --notes.")
    update = LeadUpdate(
        rating=KEEP if args.rating is None else _rating_or_none(args.rating),
        follow_up_on=args.follow_up,
        notes=KEEP if args.notes is None else args.notes,
    )
    with _acting_booth(ctx, args) as (session, station):
        lead = update_lead(session, args.lead, args.factory, update, station)
    follow_up = lead.follow_up_on.isoformat() if lead.follow_up_on else "-"
    text = f"Lead {lead.id} ({lead.name}): rating {lead.rating or '-'}, follow up {follow_up}"
    return Output(lead.as_json(), text + (f"\n  {lead.notes}" if lead.notes else ""))


def _rating_or_none(value: str) -> LeadRating | None:
    return None if value == NONE else LeadRating(value)


def run_export(args: argparse.Namespace, ctx: CliContext) -> Output:
    fmt = args.format or ("csv" if args.out.suffix.lower() == ".csv" else "xlsx")
    if fmt == "csv":
        with ctx.reading() as session:
            written = export_leads_csv(
                session, args.factory, args.preset, args.out, where=_lead_filter(args)
            )
        return Output(
            written.as_json(),
            f"Wrote {written.rows} leads ({PRESET_LABELS[written.preset]}) to {written.file}",
        )
    if _lead_filter(args) != LeadFilter() or args.preset != "plain":
        raise ExpoError("Filters and --preset apply to CSV: add --format csv (and a .csv file).")
    with ctx.reading() as session:
        result = export_inquiries(session, args.factory, args.out)
    return Output(
        result.as_json(), f"Wrote {result.rows} inquiries ({result.leads} leads) to {result.file}"
    )
