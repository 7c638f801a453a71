"""Real files for the import tests: the same small policy as a PDF (reportlab, its built-in CJK font),
a Word document (python-docx) and a saved government web page (hand-written HTML, GBK).

Each has a running header, page numbers, an article that runs over a page break, a cross-reference
inside a sentence and a table.
"""

from __future__ import annotations

from pathlib import Path

TITLE = "深圳市测试区促进智能产业发展若干措施"
DOC_NUMBER = "深测府规〔2024〕7号"
ISSUER = "深圳市测试区人民政府"
RUNNING_HEADER = "深圳市测试区人民政府公报"
CHAPTERS = {"第一章 总则": ["第一条", "第二条"], "第二章 扶持措施": ["第三条", "第四条", "第五条"],
            "第三章 附则": ["第六条"]}
ARTICLES = {
    "第一条": "为促进本区智能产业高质量发展，根据有关法律法规和上级文件规定，结合本区实际，制定本措施。",
    "第二条": "本措施适用于在本区注册、纳税并具有独立法人资格的企业，申报单位应当依照第十二条规定提交真实完整的申报材料。",
    "第三条": "对企业新购置用于智能模型训练的算力设备，按照设备实际投入的百分之二十给予补贴，每家企业每年最高不超过三百万元。",
    # Runs over the page break (PDF and HTML) and has a page break inside (Word).
    "第四条": "对企业租用算力开展模型训练的，按照实际租用费用的百分之三十给予补贴，每家企业每年最高不超过六百万元；"
              "同一项目已获得市级同类资助的，区级资助与市级资助合计不超过项目实际投入的百分之五十。",
    "第五条": "扶持标准按下表执行，具体申报程序另行发布。",
    "第六条": "本措施自2024年9月1日起施行，有效期三年。",
}
BREAK_AFTER = "按照实际租用费用的百分之三十给予补贴，"  # where the page breaks inside 第四条
TABLE_TITLE = "表1 扶持标准"
TABLE = [("项目", "比例", "上限"), ("算力设备", "20%", "300万元"), ("算力租用", "30%", "600万元")]
SIGN_DATE = "2024年8月20日"


def paragraphs() -> list[str]:
    """The document as paragraphs, in order (table excluded)."""
    out = [TITLE, DOC_NUMBER]
    for chapter, articles in CHAPTERS.items():
        out.append(chapter)
        out += [f"{a} {ARTICLES[a]}" for a in articles]
    return [*out, ISSUER, SIGN_DATE]


def make_pdf(path: Path) -> Path:
    """A two-page PDF: lines wrapped at the margin, first lines indented, a ruled table on page 2."""
    from reportlab.lib import colors
    from reportlab.lib.pagesizes import A4
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.cidfonts import UnicodeCIDFont
    from reportlab.pdfgen import canvas
    from reportlab.platypus import Table, TableStyle

    pdfmetrics.registerFont(UnicodeCIDFont("STSong-Light"))
    width, height = A4
    size, per_line, left = 12, 30, 72
    pdf = canvas.Canvas(str(path), pagesize=A4)
    page = 1

    def chrome() -> None:
        pdf.setFont("STSong-Light", 9)
        pdf.drawString(left, height - 40, RUNNING_HEADER)
        pdf.drawCentredString(width / 2, 30, f"- {page} -")
        pdf.setFont("STSong-Light", size)

    chrome()
    y = height - 90
    for text in paragraphs():
        centred = text in (TITLE, DOC_NUMBER) or (text.startswith("第") and "章" in text[:4])
        if centred:
            pdf.drawCentredString(width / 2, y, text)
            y -= 22
            continue
        # First line indented by two characters, the rest at the left margin, each full line 30 characters.
        lines, rest = [], text
        first = per_line - 2
        lines.append(rest[:first])
        rest = rest[first:]
        while rest:
            lines.append(rest[:per_line])
            rest = rest[per_line:]
        for n, line in enumerate(lines):
            pdf.drawString(left + (2 * size if n == 0 else 0), y, line)
            y -= 22
            if (BREAK_AFTER in line and line.endswith(BREAK_AFTER[-6:])) or (text.startswith("第四条") and n == 1):
                pdf.showPage()
                page += 1
                chrome()
                y = height - 90
        if text.startswith("第五条"):
            pdf.drawString(left + 2 * size, y, TABLE_TITLE)
            y -= 10
            table = Table(TABLE, colWidths=[120, 80, 100])
            table.setStyle(TableStyle([("FONT", (0, 0), (-1, -1), "STSong-Light", 11),
                                       ("GRID", (0, 0), (-1, -1), 0.8, colors.black)]))
            _, th = table.wrapOn(pdf, width, height)
            table.drawOn(pdf, left, y - th)
            y -= th + 30
    pdf.showPage()
    pdf.save()
    return path


def make_docx(path: Path) -> Path:
    """A Word file with a header and a PAGE field in the footer, a page break inside 第四条, a table."""
    import docx
    from docx.enum.text import WD_BREAK
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn

    document = docx.Document()
    section = document.sections[0]
    section.header.paragraphs[0].text = RUNNING_HEADER
    field = OxmlElement("w:fldSimple")
    field.set(qn("w:instr"), "PAGE")
    section.footer.paragraphs[0]._p.append(field)
    document.add_paragraph(TITLE, style="Title")
    for text in paragraphs()[1:]:
        if text.startswith("第四条"):
            head, _, tail = text.partition(BREAK_AFTER)
            paragraph = document.add_paragraph(head + BREAK_AFTER)
            paragraph.add_run().add_break(WD_BREAK.PAGE)
            paragraph.add_run(tail)
            continue
        document.add_paragraph(text)
        if text.startswith("第五条"):
            document.add_paragraph(TABLE_TITLE)
            table = document.add_table(rows=len(TABLE), cols=len(TABLE[0]))
            for r, row in enumerate(TABLE):
                for c, cell in enumerate(row):
                    table.cell(r, c).text = cell
    document.save(str(path))
    return path


def make_html(path: Path) -> Path:
    """A page saved from a government site (GBK): navigation, scripts, breadcrumbs, footer, meta tags;
    the article as exported from Word, with the running header and page numbers as paragraphs and 第四条
    split in two paragraphs by the page break."""
    body = []
    for text in paragraphs()[1:]:
        if text.startswith("第四条"):
            head, _, tail = text.partition(BREAK_AFTER)
            body += [f"<p>{head}{BREAK_AFTER}</p>", "<p style='text-align:center'>- 1 -</p>",
                     f"<p>{RUNNING_HEADER}</p>", f"<p>{tail}</p>"]
            continue
        body.append(f"<p>{text}</p>")
        if text.startswith("第五条"):
            rows = "".join("<tr>" + "".join(f"<td>{c}</td>" for c in row) + "</tr>" for row in TABLE)
            body.append(f"<p>{TABLE_TITLE}</p><table border='1'>{rows}</table>")
    body += ["<p style='text-align:center'>- 2 -</p>", f"<p>{RUNNING_HEADER}</p>"]
    page = f"""<!DOCTYPE html>
<html><head><meta http-equiv="Content-Type" content="text/html; charset=gbk">
<title>{TITLE}_深圳市测试区政府在线</title>
<meta name="ArticleTitle" content="{TITLE}">
<meta name="PubDate" content="2024-08-21 10:30">
<meta name="ContentSource" content="{ISSUER}">
<script>document.write("第九十九条 脚本里的文字不是条文");</script>
<style>.nav {{ color: red }}</style></head>
<body>
<div class="header"><a href="/">首页</a> 第八十条 导航</div>
<div class="nav-bar"><ul><li>政务公开</li><li>政策文件</li><li>政策解读</li></ul></div>
<div class="breadcrumb">当前位置：首页 &gt; 政策文件</div>
<div class="article">
<h1>{TITLE}</h1>
<div class="info">发布日期：2024-08-21 来源：{ISSUER}</div>
<div id="zoom" class="content">
<p>{RUNNING_HEADER}</p>
{''.join(body)}
</div>
<div class="share">分享到：微信 微博</div>
</div>
<div class="footer">主办单位：深圳市测试区人民政府办公室 版权所有 第七十条 网站标识码</div>
<script src="tracker.js"></script>
</body></html>"""
    path.write_bytes(page.encode("gbk"))
    return path


def make_garbled_pdf(path: Path) -> Path:
    """A PDF whose text layer has no Unicode mapping (a CID font without ToUnicode, as some office
    suites export): text extracts as glyph numbers only."""
    content = b"BT /F1 24 Tf 72 700 Td <0012003400560078009a00bc00de> Tj ET"
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R "
        b"/Resources << /Font << /F1 5 0 R >> >> >>",
        b"<< /Length %d >>\nstream\n" % len(content) + content + b"\nendstream",
        b"<< /Type /Font /Subtype /Type0 /BaseFont /ABCDEF+SimSun /Encoding /Identity-H /DescendantFonts [6 0 R] >>",
        b"<< /Type /Font /Subtype /CIDFontType2 /BaseFont /ABCDEF+SimSun /CIDSystemInfo << /Registry (Adobe) "
        b"/Ordering (Identity) /Supplement 0 >> /FontDescriptor 7 0 R /DW 1000 >>",
        b"<< /Type /FontDescriptor /FontName /ABCDEF+SimSun /Flags 4 /FontBBox [0 0 1000 1000] /ItalicAngle 0 "
        b"/Ascent 880 /Descent -120 /CapHeight 700 /StemV 80 >>",
    ]
    out = bytearray(b"%PDF-1.4\n")
    offsets = []
    for n, body in enumerate(objects, 1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % n + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % o for o in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref)
    path.write_bytes(bytes(out))
    return path


def make_scanned_pdf(path: Path) -> Path:
    """Pages with only drawings and a stamped page number (a scan without OCR, to a text extractor)."""
    from reportlab.lib.pagesizes import A4
    from reportlab.pdfgen import canvas

    pdf = canvas.Canvas(str(path), pagesize=A4)
    for page in range(1, 4):
        for n in range(20):
            pdf.rect(72 + n * 5, 500 + n * 7, 200, 3, fill=1)
        pdf.drawCentredString(300, 30, f"- {page} -")
        pdf.showPage()
    pdf.save()
    return path
