"""Building the macro workbooks on any platform, from text: the MS-OVBA compression
(ovba_compression), compound files (cfb), the VBA project (vba_project), the ChrW text
module (vba_text), the ribbon part (ribbon) and the .xlsm builder (workbooks). Nothing
here imports xlwings or click; the sources live in the repository's macros/ folder."""
