"""Paper: everything printed or shared as a picture.

Owns planning the sheets (leaflets), their design as data (leaflet_layout), rendering them to
PDF with WeasyPrint and the print-shop and photocopy variants (leaflet_render), the fetcher that
lets WeasyPrint read project files only (fetcher), and the PNG cards (images).

May import: compose, render, sources and the base modules. Never web or team.
"""
