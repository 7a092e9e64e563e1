module layerforge.test/rie-stand-in

go 1.19
