"""Assets (校产): the school's ledger from acceptance to disposal, stocktakes, class property
lists, labels and spreadsheets. A school app: every table is in the school's schema.

The shape later domains copy:

    models.py       rows and their own rules; the ledger's replay() and card_state()
    actions.py      every write, one function per verb (register_asset, borrow_asset, ...):
                    keyword-only actor, one transaction, audit, compliance facts, tasks on commit
    access.py       every read of an id that came from a person or a machine (404 otherwise)
    rules.py        the district settings this domain declares, and the rules read from them
    facts.py        the compliance facts it registers, recorded by the actions
    search.py       finding cards (one query object for the page, the export and the API)
    stocktakes.py   what a stocktake found (aggregated by the database)
    depreciation.py straight-line depreciation, pure functions
    importing.py    reading a ledger sheet: every bad cell, nothing written
    exports.py      spreadsheets out (ledger, finance cards, stocktake)
    labels.py       what a QR label says and how a scanned one is read
    attachments.py  checking uploads (photos by content, PDFs, drawn signatures)
    copying.py      COPY for the import's bulk writes
    tasks.py        Celery tasks: import check and run, reminders, low stock

The faces are api/assets.py (school API) and frontend/assets/ (pages); neither holds a
rule, and nothing here imports them.
"""
