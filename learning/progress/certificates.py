"""The certificate as a printable page and as a PDF (WeasyPrint, fonts from the system)."""

from flask import render_template

from learning.progress.models import Certificate


def certificate_pdf(certificate: Certificate, verify_url: str) -> bytes:
    # Imported here: WeasyPrint takes a moment to load and only this download needs it.
    from weasyprint import HTML

    html = render_template("progress/certificate_pdf.html", certificate=certificate,
                           verify_url=verify_url)  # fmt: skip
    return HTML(string=html).write_pdf()
